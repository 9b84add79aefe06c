// Package orders is the small HTTP API the get-post demo talks to: orders
// that can be created, read, replaced, patched and deleted, so that the
// server's own state shows what each HTTP method does when it is repeated.
//
// Typical usage:
//
//	api := orders.New(orders.Config{AccessLog: func(line string) { log.Print(line) }})
//	srv := orders.NewHTTPServer(api, orders.Timeouts{})
//	srv.Serve(ln)
//
// # Routes
//
//	POST   /orders        create (not safe, not idempotent; Idempotency-Key honoured)
//	GET    /orders        list, ?item= filters (safe, idempotent, cacheable; ETag)
//	GET    /orders/{id}   read (HEAD too: ServeMux serves HEAD with the GET handler)
//	PUT    /orders/{id}   create or replace the whole order (idempotent)
//	PATCH  /orders/{id}   {"op":"increment"} (not idempotent) or an
//	                      application/merge-patch+json document (idempotent)
//	DELETE /orders/{id}   remove (idempotent: the second one answers 404)
//
// # Storage
//
// By default orders and Idempotency-Keys live in memory and die with the
// process. With Config.DB ([OpenDB]) they live in SQLite, and each key's
// stored response is written in the transaction of the order it created,
// so that a crash between the commit and the answer leaves a key a retry
// finds. Keys are kept for Config.KeyTTL; a full key store refuses new
// keys (503, Retry-After) instead of forgetting one early.
//
// # Errors
//
// Every error the API itself writes is an RFC 9457 problem document
// (application/problem+json): malformed JSON 400, unknown path 404, wrong
// method 405 (with Allow, from ServeMux), body too large 413, URI too long
// 414, wrong media type or no Content-Type on a body 415, Idempotency-Key
// reused for another payload 422, or reused while the first request is
// still running 409, too many keys 503, a failing store 500. Bodies with a
// name twice, invalid UTF-8, or control and bidirectional characters in
// text are 400.
//
// Two limits are not the handler's: a request line and headers beyond
// [Timeouts.MaxHeaderBytes] are refused by net/http itself with 431, before
// any handler runs, and headers that take longer than
// [Timeouts.ReadHeaderTimeout] to arrive (slowloris) make net/http close the
// connection without a response.
package orders
