package tracedemo

import "github.com/netdemo/netdemo/certs"

// certsDemo is the process-wide demo PKI (a root that may vouch only for
// localhost, 127.0.0.1 and server.test).
var certsDemo = certs.Demo
