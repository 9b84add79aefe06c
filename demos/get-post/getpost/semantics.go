package getpost

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// state is the server's whole state, read from its store (not from what a
// response claimed).
func (la *localAPI) state(ctx context.Context) ([]orders.Order, error) {
	return orderList(ctx, la.api, "")
}

func stateString(s []orders.Order) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// stepSafe: GET twice and HEAD once change nothing (RFC 9110 §9.2.1).
func stepSafe(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("safe", r.T("GET and HEAD are safe (RFC 9110 §9.2.1): repeat them, the state does not change", "GET 和 HEAD 是安全的（RFC 9110 §9.2.1）：重复多少次，状态都不变"))
	r.Printf("  %s", storeLine(r, la.db))
	rep, err := la.c.do(ctx, "POST", "/orders", `{"item":"book","qty":1}`)
	if err != nil {
		return err
	}
	if err := expect(rep, "creating the first order", 201); err != nil {
		return err
	}
	path := rep.Header.Get("Location")
	la.firstOrder = path
	before, err := la.state(ctx)
	if err != nil {
		return err
	}
	for i := 0; i < 2; i++ {
		rep, err := la.c.do(ctx, "GET", path, "")
		if err != nil {
			return err
		}
		if err := expect(rep, "GET", 200); err != nil {
			return err
		}
	}
	head, err := la.c.do(ctx, "HEAD", path, "")
	if err != nil {
		return err
	}
	after, err := la.state(ctx)
	if err != nil {
		return err
	}
	res.GetRepeatChangedState = !reflect.DeepEqual(before, after)
	r.Printf(r.T("  server state before: %s", "  之前的服务器状态：%s"), stateString(before))
	r.Printf(r.T("  server state after two GETs and a HEAD: %s", "  两次 GET 和一次 HEAD 之后：%s"), stateString(after))
	r.Measure("get_changed_state", res.GetRepeatChangedState, "")
	setBool(r, "get_changed_state", res.GetRepeatChangedState)
	r.Measure("head_body_bytes", len(head.Body), r.T("bytes", "字节"))
	r.Set("head_content_length", head.Header.Get("Content-Length"))
	r.Printf(r.T("  HEAD got the same headers as GET (Content-Length: %s) and %d body bytes — RFC 9110 §9.3.2.",
		"  HEAD 得到与 GET 相同的头部（Content-Length: %s），正文 %d 字节 —— RFC 9110 §9.3.2。"), head.Header.Get("Content-Length"), len(head.Body))
	return nil
}

// stepPost: the same POST twice makes two orders — neither safe nor
// idempotent, and that is what POST is for.
func stepPost(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("post", r.T("POST twice: two orders (neither safe nor idempotent, RFC 9110 §9.3.3)", "POST 两次：两个订单（既不安全也不幂等，RFC 9110 §9.3.3）"))
	before, err := orderCount(ctx, la.api, "")
	if err != nil {
		return err
	}
	for i := 0; i < 2; i++ {
		rep, err := la.c.do(ctx, "POST", "/orders", `{"item":"pen","qty":2}`)
		if err != nil {
			return err
		}
		if err := expect(rep, "POST", 201); err != nil {
			return err
		}
	}
	after, err := orderCount(ctx, la.api, "")
	if err != nil {
		return err
	}
	res.PostRepeatOrders = after - before
	r.Measure("post_repeat_orders", res.PostRepeatOrders, r.T("new order(s) from 2 identical POSTs", "个新订单（2 个相同的 POST）"))
	return nil
}

// stepPut: the same PUT twice leaves one order in one state (§9.2.2).
func stepPut(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("put", r.T("PUT twice: one order, same final state (idempotent, RFC 9110 §9.2.2)", "PUT 两次：一个订单，最终状态相同（幂等，RFC 9110 §9.2.2）"))
	before, err := orderCount(ctx, la.api, "")
	if err != nil {
		return err
	}
	var states [2]string
	var codes [2]int
	for i := 0; i < 2; i++ {
		rep, err := la.c.do(ctx, "PUT", "/orders/42", `{"item":"lamp","qty":1}`)
		if err != nil {
			return err
		}
		if err := expect(rep, "PUT", 200, 201); err != nil {
			return err
		}
		codes[i] = rep.Status
		st, err := la.state(ctx)
		if err != nil {
			return err
		}
		states[i] = stateString(st)
	}
	after, err := orderCount(ctx, la.api, "")
	if err != nil {
		return err
	}
	res.PutRepeatOrders = after - before
	r.Measure("put_repeat_orders", res.PutRepeatOrders, r.T("new order(s) from 2 identical PUTs", "个新订单（2 个相同的 PUT）"))
	r.Set("put_first_status", codes[0])
	r.Set("put_second_status", codes[1])
	same := states[0] == states[1]
	setBool(r, "put_same_state", same)
	if same {
		r.Printf(r.T("  the state after the second PUT equals the state after the first (%d then %d: the responses differ, the effect does not)",
			"  第二次 PUT 之后的状态与第一次之后完全相同（响应码 %d 然后 %d：响应不同，效果相同）"), codes[0], codes[1])
	}
	return nil
}

// stepDelete: DELETE twice — 204 then 404, and the same state: idempotent
// is about the effect, not the response.
func stepDelete(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("delete", r.T("DELETE twice: the second answers 404, the state is the same (idempotent, RFC 9110 §9.2.2)", "DELETE 两次：第二次返回 404，状态相同（幂等，RFC 9110 §9.2.2）"))
	var states [2]string
	var codes [2]int
	for i := 0; i < 2; i++ {
		rep, err := la.c.do(ctx, "DELETE", "/orders/42", "")
		if err != nil {
			return err
		}
		codes[i] = rep.Status
		st, err := la.state(ctx)
		if err != nil {
			return err
		}
		states[i] = stateString(st)
	}
	if err := expect(reply{Status: codes[0]}, "the first DELETE", 204); err != nil {
		return err
	}
	res.DeleteSecondStatus = codes[1]
	r.Measure("delete_first_status", codes[0], "")
	r.Measure("delete_second_status", codes[1], "")
	setBool(r, "delete_same_state", states[0] == states[1])
	_, still, err := la.api.Store().Get(ctx, "42")
	if err != nil {
		return fmt.Errorf("reading order 42: %w", err)
	}
	if states[0] == states[1] && !still {
		r.Printf("%s", r.T("  after both DELETEs order 42 is gone and the state is identical: same effect, different responses (RFC 9110 §9.2.2)",
			"  两次 DELETE 之后订单 42 都不存在，状态完全一致：效果相同，响应不同（RFC 9110 §9.2.2）"))
	}
	return nil
}

// stepPatch: an increment PATCH changes the state every time; a merge
// patch that sets a value does not.
func stepPatch(ctx context.Context, r *demo.Run, la *localAPI, res *Result) error {
	r.Step("patch", r.T("PATCH (RFC 5789): an increment is not idempotent, a merge patch is", "PATCH（RFC 5789）：自增不幂等，merge patch 幂等"))
	rep, err := la.c.do(ctx, "POST", "/orders", `{"item":"cup","qty":1}`)
	if err != nil {
		return err
	}
	if err := expect(rep, "creating the order to patch", 201); err != nil {
		return err
	}
	path := rep.Header.Get("Location")
	id := path[len("/orders/"):]
	var qty [3]int
	o, _, err := la.api.Store().Get(ctx, id)
	if err != nil {
		return fmt.Errorf("reading order %s: %w", id, err)
	}
	qty[0] = o.Qty
	for i := 1; i <= 2; i++ {
		rep, err := la.c.do(ctx, "PATCH", path, `{"op":"increment"}`)
		if err != nil {
			return err
		}
		if err := expect(rep, "PATCH increment", 200); err != nil {
			return err
		}
		o, _, err := la.api.Store().Get(ctx, id)
		if err != nil {
			return fmt.Errorf("reading order %s: %w", id, err)
		}
		qty[i] = o.Qty
	}
	res.PatchRepeatChanged = qty[2] != qty[1]
	r.Measure("patch_qty", fmt.Sprintf("%d → %d → %d", qty[0], qty[1], qty[2]), "")

	var merged [2]int
	for i := 0; i < 2; i++ {
		rep, err := la.c.do(ctx, "PATCH", path, `{"qty":5}`, "Content-Type", "application/merge-patch+json")
		if err != nil {
			return err
		}
		if err := expect(rep, "PATCH merge", 200); err != nil {
			return err
		}
		o, _, err := la.api.Store().Get(ctx, id)
		if err != nil {
			return fmt.Errorf("reading order %s: %w", id, err)
		}
		merged[i] = o.Qty
	}
	r.Measure("merge_patch_qty", fmt.Sprintf("%d → %d", merged[0], merged[1]), "")
	setBool(r, "merge_patch_changed", merged[0] != merged[1])
	return nil
}
