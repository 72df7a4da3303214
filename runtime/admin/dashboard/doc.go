// Package dashboard is the web dashboard of a worker's admin API: a few
// embedded static files (HTML, CSS and one vanilla JavaScript file, no CDN,
// no build step) served under /ui/, which read and steer workflows through
// the admin API's JSON routes (/v1/…) with fetch. It holds no logic of its
// own beyond rendering: listing (with its filters), describing, starting
// (a form built from the input's JSON Schema in the worker registry),
// signalling, cancelling, retrying, restarting, redriving and dropping dead
// letters, the per-method metrics and the schedules' pages (trigger, pause,
// resume, delete) are the admin API's.
//
// It owns the assets, the page's configuration (/ui/config.json: whether
// steering is hidden, the trace URL template) and the browser side of authentication: the cookie
// that carries the admin token after it was given once as ?token= (see
// CookieName, TokenFromRequest). The admin server decides what the token
// is and compares it; this package never sees it compared.
//
// It must not import storage, transport or the engine, nor package admin
// (admin mounts it); it uses nothing but the standard library.
package dashboard
