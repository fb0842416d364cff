"""The bare ceiling: a Django project with no apps, no database and `CommonMiddleware`
only, whose one view returns a constant JSON document of about 1 KB. `make bench`
serves it with the project's own gunicorn configuration beside the project and divides
every endpoint's throughput by it: the fastest answer Django itself gives on this
machine, whatever the project adds."""
