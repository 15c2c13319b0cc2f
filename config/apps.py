"""The project's own apps, in order: the one list that settings, the URLs, the API and the tests
read. An app's pages come from its `urls.py` and its endpoints from the `router` of its `api.py`;
adding an app is adding its name here."""

PROJECT_APPS = [
    "core",
    "accounts",
    "stakeholders",
    "consultations",
    "events",
    "drafts",
    "knowledge",
    "analysis",
    "reports",
    "api",
]

# Where URL patterns are looked up in order, core's last: its home page is the catch-all "".
URL_ORDER = [app for app in PROJECT_APPS if app != "core"] + ["core"]
