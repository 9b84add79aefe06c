package getpost

import (
	"context"

	"github.com/netdemo/netdemo/internal/demo"
)

// stepCache: a GET carries a validator (ETag), so it can be revalidated and
// answered 304 without a body; a POST response says no-store, and a
// repeated POST always reaches the server.
func stepCache(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("cache", r.T("Cacheable (RFC 9110 §9.2.3): GET with an ETag gets 304 Not Modified; a POST is not reused", "可缓存（RFC 9110 §9.2.3）：带 ETag 的 GET 得到 304 Not Modified；POST 的响应不会被复用"))
	first, err := la.c.do(ctx, "GET", la.firstOrder, "")
	if err != nil {
		return err
	}
	if err := expect(first, "GET "+la.firstOrder, 200); err != nil {
		return err
	}
	etag := first.Header.Get("ETag")
	again, err := la.c.do(ctx, "GET", la.firstOrder, "", "If-None-Match", etag)
	if err != nil {
		return err
	}
	res.ETagStatus = again.Status
	r.Measure("etag_status", again.Status, "")
	r.Measure("etag_full_body_bytes", len(first.Body), r.T("bytes", "字节"))
	r.Measure("etag_304_body_bytes", len(again.Body), r.T("bytes", "字节"))
	r.Set("get_cache_control", first.Header.Get("Cache-Control"))

	before, err := orderCount(ctx, la.api, "")
	if err != nil {
		return err
	}
	p1, err := la.c.do(ctx, "POST", "/orders", `{"item":"mug","qty":1}`)
	if err != nil {
		return err
	}
	p2, err := la.c.do(ctx, "POST", "/orders", `{"item":"mug","qty":1}`)
	if err != nil {
		return err
	}
	r.Set("post_cache_control", p1.Header.Get("Cache-Control"))
	setBool(r, "post_has_etag", p1.Header.Get("ETag") != "" || p2.Header.Get("ETag") != "")
	after, err := orderCount(ctx, la.api, "")
	if err != nil {
		return err
	}
	r.Measure("post_reached_server", after-before, r.T("of 2 identical POSTs reached the server", "个（共 2 个相同的 POST）到达了服务器"))
	return nil
}
