// Package web is `netdemo web`: the demos in a browser, for a class and a
// projector. It is a third view over a run's events, beside the terminal
// text and --json: a run started from the page executes in this process
// with a view (castView) that renders each event to HTML once — Markdown
// explanations, tables, ladder diagrams of lab frames, charts, all drawn by
// the server as HTML and SVG — and appends it to the run's log. Every
// browser watching the run reads that log as Server-Sent Events from its
// own position, so viewers who join late, reconnect, or read slowly never
// change what the run does or what the others see.
//
// Routes: / (the index, ?token= to hold the token), /run/ID (a run's deck;
// #demo/step links a step), /latest/DEMO (the newest run of a demo),
// /api/runs (start: POST; list: GET), /api/runs/ID/events (the stream),
// /api/runs/ID/result (the result line, as --json prints it),
// /api/runs/ID/cancel and /continue (POST, with the token).
//
// Files by concern: server.go (routes, start/cancel/continue), guard.go
// (Host and Origin checks, the token, security headers), run.go (the runs
// of a server, one per demo at a time), cast.go (the view and its log),
// stream.go (the event stream), render.go (events to HTML), markdown.go,
// ladder.go and chart.go (the renderers), form.go (flags of the start form),
// pages.go and assets/ (the embedded page, script and style).
package web
