// The Markdown widget's live preview: the text goes to the admin's markdown-preview
// endpoint, which renders and sanitises it exactly as the API does, and the answer
// (already sanitised HTML) is shown beside the textarea.
'use strict';
{
    const DELAY_MS = 300;

    function csrfToken(element) {
        const form = element.closest('form');
        const input = form && form.querySelector('input[name=csrfmiddlewaretoken]');
        return input ? input.value : '';
    }

    function attach(editor) {
        const textarea = editor.querySelector('textarea');
        const preview = editor.querySelector('.markdown-preview');
        if (!textarea || !preview || editor.dataset.attached) {
            return;
        }
        editor.dataset.attached = 'yes';
        let timer = null;
        let sent = 0;
        const refresh = async function() {
            const ticket = ++sent;
            const body = new FormData();
            body.append('text', textarea.value);
            try {
                const response = await fetch(editor.dataset.previewUrl, {
                    method: 'POST',
                    body: body,
                    headers: {'X-CSRFToken': csrfToken(editor)},
                    credentials: 'same-origin'
                });
                if (ticket !== sent) {
                    return;  // a later keystroke's answer is on its way
                }
                if (!response.ok) {
                    preview.textContent = 'No preview (' + response.status + ').';
                    return;
                }
                preview.innerHTML = (await response.json()).html;
            } catch (error) {
                preview.textContent = 'No preview: ' + error;
            }
        };
        textarea.addEventListener('input', function() {
            clearTimeout(timer);
            timer = setTimeout(refresh, DELAY_MS);
        });
        if (textarea.value) {
            refresh();
        }
    }

    function attachAll() {
        document.querySelectorAll('.markdown-editor').forEach(attach);
    }

    window.addEventListener('load', attachAll);
    // Inline rows added with "Add another" bring their own editors.
    document.addEventListener('formset:added', attachAll);
}
