// Date and time inputs typed in the zone of another field (an event's own zone): the
// note names that zone, and Django's "Now" and "Today" shortcuts give its wall clock
// instead of the editor's.
'use strict';
{
    function zoneOf(input) {
        const box = input && input.closest('.wall-clock-datetime');
        if (!box) {
            return null;
        }
        const field = document.getElementById('id_' + box.dataset.zoneField);
        return field ? field.value : null;
    }

    // A Date whose local fields are the wall clock in `zone` now.
    function wallClockIn(zone) {
        const parts = {};
        const format = new Intl.DateTimeFormat('en-US', {
            timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
            day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'
        });
        for (const part of format.formatToParts(new Date())) {
            parts[part.type] = part.value;
        }
        return new Date(+parts.year, +parts.month - 1, +parts.day,
                        +parts.hour, +parts.minute, +parts.second);
    }

    function showZones() {
        for (const box of document.querySelectorAll('.wall-clock-datetime')) {
            const field = document.getElementById('id_' + box.dataset.zoneField);
            const name = box.querySelector('.wall-clock-zone');
            if (name) {
                name.textContent = field && field.value ? field.value : '(choose one)';
            }
            // Django's "N hours behind server time" compares with the editor's zone.
            for (const warning of box.querySelectorAll('.timezonewarning')) {
                warning.remove();
            }
        }
    }

    window.addEventListener('load', function() {
        const shortcuts = window.DateTimeShortcuts;
        if (shortcuts) {
            const originalNow = shortcuts.now;
            let zone = null;
            shortcuts.now = function() {
                return zone ? wallClockIn(zone) : originalNow();
            };
            const wrap = function(name, inputs) {
                const original = shortcuts[name];
                shortcuts[name] = function(num, value) {
                    zone = zoneOf(shortcuts[inputs][num]);
                    try {
                        return original.call(shortcuts, num, value);
                    } finally {
                        zone = null;
                    }
                };
            };
            wrap('handleClockQuicklink', 'clockInputs');
            wrap('handleCalendarQuickLink', 'calendarInputs');
        }
        showZones();
        for (const box of document.querySelectorAll('.wall-clock-datetime')) {
            const field = document.getElementById('id_' + box.dataset.zoneField);
            if (field) {
                field.addEventListener('change', showZones);
            }
        }
    });
}
