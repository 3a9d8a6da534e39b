package msfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

type batchAnswer struct {
	Responses []struct {
		ID      string            `json:"id"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"responses"`
}

func (f *fake) batch(token string, reqs []batchRequest) (reply, batchAnswer) {
	f.t.Helper()
	body, _ := json.Marshal(map[string]any{"requests": reqs})
	r := f.do(http.MethodPost, "/graph/v1.0/$batch", token, body, nil)
	var a batchAnswer
	if r.status == http.StatusOK {
		if err := json.Unmarshal(r.raw, &a); err != nil {
			f.t.Fatalf("batch answer: %v", err)
		}
	}
	return r, a
}

func TestGraphBatchAnswersEachRequestAlone(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	tok := f.customerToken(SmallFabrikam)
	f.srv.FailNext("GET", "/graph/v1.0/users", http.StatusTooManyRequests, "", 1)
	calls := f.srv.Calls()
	r, a := f.batch(tok, []batchRequest{
		{ID: "skus", Method: "GET", URL: "/subscribedSkus?$select=skuId"},
		{ID: "users", Method: "GET", URL: "/users?$top=999"},
		{ID: "subs", Method: "GET", URL: "/directory/subscriptions"},
	})
	f.want(r, http.StatusOK, "batch")
	if n := f.srv.Calls() - calls; n != 1 {
		t.Fatalf("the batch counted as %d calls, want 1", n)
	}
	got := map[string]int{}
	for _, res := range a.Responses {
		got[res.ID] = res.Status
		if res.ID == "users" && res.Headers["Retry-After"] == "" {
			t.Errorf("throttled item has no Retry-After")
		}
		if res.Status == http.StatusOK {
			var page struct {
				Value []any `json:"value"`
			}
			if err := json.Unmarshal(res.Body, &page); err != nil || page.Value == nil {
				t.Errorf("item %s: body %s", res.ID, res.Body)
			}
		}
	}
	want := map[string]int{"skus": 200, "users": 429, "subs": 200}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
}

func TestGraphBatchRefusesWhatGraphRefuses(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	tok := f.customerToken(SmallFabrikam)
	var many []batchRequest
	for i := range 21 {
		many = append(many, batchRequest{ID: fmt.Sprint(i), Method: "GET", URL: "/subscribedSkus"})
	}
	if r, _ := f.batch(tok, many); r.status != http.StatusBadRequest {
		t.Errorf("21 requests: HTTP %d, want 400", r.status)
	}
	if r, _ := f.batch(tok, []batchRequest{{ID: "1", Method: "GET", URL: "/subscribedSkus"}, {ID: "1", Method: "GET", URL: "/users"}}); r.status != http.StatusBadRequest {
		t.Errorf("duplicate ids: HTTP %d, want 400", r.status)
	}
	if r, _ := f.batch("", []batchRequest{{ID: "1", Method: "GET", URL: "/subscribedSkus"}}); r.status != http.StatusUnauthorized {
		t.Errorf("no token: HTTP %d, want 401", r.status)
	}
}
