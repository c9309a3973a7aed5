"""The rq worker that `make run` starts: rq's SimpleWorker (jobs run in the worker's own process, never in a forked
child, so no database engine or connection crosses a fork) that builds the app once per process and runs every
job inside its context, with the database session removed after each job. The process manager (honcho) restarts
the worker if it dies; a job it was running is found again by the relay."""

from __future__ import annotations

from rq.worker import SimpleWorker


class AppWorker(SimpleWorker):
    """`rq worker -w app.worker.AppWorker`: one app per process, no fork."""

    def work(self, *args, **kwargs):
        from app import create_app

        with create_app().app_context():
            return super().work(*args, **kwargs)

    def execute_job(self, job, queue):
        try:
            return super().execute_job(job, queue)
        finally:
            from app.extensions import db

            db.session.remove()
