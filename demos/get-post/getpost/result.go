package getpost

// Result is the demo's result object; its JSON names are a contract.
type Result struct {
	GetRepeatChangedState bool             `json:"get_repeat_changed_state"`
	PostRepeatOrders      int              `json:"post_repeat_orders"`
	PutRepeatOrders       int              `json:"put_repeat_orders"`
	DeleteSecondStatus    int              `json:"delete_second_status"`
	PatchRepeatChanged    bool             `json:"patch_repeat_changed"`
	ETagStatus            int              `json:"etag_status"`
	RetryWithoutKeyOrders int              `json:"retry_without_key_orders"`
	RetryWithKeyOrders    int              `json:"retry_with_key_orders"`
	KeyReplayed           bool             `json:"key_replayed"`
	KeyConflictStatus     int              `json:"key_conflict_status"`
	KeyMismatchStatus     int              `json:"key_mismatch_status"`
	GoTransportRetried    TransportRetried `json:"go_transport_retried"`
	CrashRetry            CrashRetry       `json:"crash_retry"`
}

// TransportRetried says, per request kind, whether Go's http.Transport sent
// the request a second time by itself after the server closed the reused
// connection.
type TransportRetried struct {
	GET         bool `json:"GET"`
	HEAD        bool `json:"HEAD"`
	PUT         bool `json:"PUT"`
	DELETE      bool `json:"DELETE"`
	POST        bool `json:"POST"`
	POSTWithKey bool `json:"POST_with_key"`
}

// CrashRetry counts the orders left by one POST whose server was killed
// after its commit and before its answer, then retried with the same
// Idempotency-Key after a restart.
type CrashRetry struct {
	KeysInTransactionOrders int `json:"keys_in_transaction_orders"`
	KeysInMemoryOrders      int `json:"keys_in_memory_orders"`
}
