// Package getpost is the get-post demo: GET vs POST, safety, idempotency,
// retries and the Idempotency-Key header, shown on a real HTTP server.
//
// The demo talks to the orders API (package orders) and reads every outcome
// from the server's own store:
//
//   - semantics.go: GET/HEAD twice (safe), POST twice (two orders), PUT and
//     DELETE twice (idempotent), PATCH increment vs merge patch;
//   - wire.go: the bytes of a GET with a query and a POST with a body, and
//     the access log that keeps the query;
//   - cache.go: ETag and 304; a POST is never answered from a cache;
//   - badinput.go: 400/413/415/404/405/414 problem documents, net/http's own
//     431, and a slowloris client cut off by ReadHeaderTimeout;
//   - lostresponse.go, labsteps.go: on the lab (one lab per step, measured
//     at the same time, narrated in order), the link drops the server's
//     response after the server did the work; a GET retried is harmless, a
//     POST retried makes a duplicate, a POST with an Idempotency-Key is
//     replayed (409 and 422 too). A lossy link (--loss) is reported per try;
//   - crash.go: a server child process (internal/child) is killed between
//     its commit and its answer; with the key in the order's transaction the
//     retry is replayed, with the key in memory it makes a second order;
//   - transportretry.go: which requests Go's http.Transport re-sends by itself
//     on a reused connection the server closed;
//   - serve.go, data.go, try.go: --serve (with --data, in SQLite) and the
//     curl commands to try.
package getpost
