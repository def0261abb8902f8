// Demo analytics of the "analytics" consent category: it is rendered only after the
// visitor granted analytics. It sets its own cookie and marks the page, so that a
// test can tell whether it ran.
document.documentElement.dataset.analyticsLoaded = "true";
document.cookie = "tw_analytics=1; path=/; max-age=31536000; samesite=lax";
