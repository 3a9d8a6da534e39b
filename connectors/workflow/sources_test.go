package workflow

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// memSources is an in-memory SourceKeeper.
type memSources struct {
	mu       sync.Mutex
	dist     *connectors.DistributorSnapshot
	psa      *connectors.PSASnapshot
	stale    map[connectors.ConnectorKind]string
	saves    int
	failSave error
}

func (m *memSources) SaveDistributorSnapshot(s connectors.DistributorSnapshot) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failSave != nil {
		return false, m.failSave
	}
	m.saves++
	m.dist = &s
	delete(m.stale, connectors.KindDistributor)
	return false, nil
}

func (m *memSources) SavePSASnapshot(s connectors.PSASnapshot) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.saves++
	m.psa = &s
	return false, nil
}

func (m *memSources) MarkSourceStale(side connectors.ConnectorKind, reason string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stale == nil {
		m.stale = map[connectors.ConnectorKind]string{}
	}
	m.stale[side] = reason
	return nil
}

// stubDistributor answers from fixed data, or fails one listing.
type stubDistributor struct {
	accounts []connectors.DistributorAccount
	subs     []connectors.DistributorSubscription
	subsErr  error
	block    bool // Subscriptions waits for ctx
}

func (s stubDistributor) Accounts(context.Context) ([]connectors.DistributorAccount, error) {
	return s.accounts, nil
}

func (s stubDistributor) Subscriptions(ctx context.Context) ([]connectors.DistributorSubscription, error) {
	if s.block {
		<-ctx.Done()
		return nil, &connectors.Error{Kind: connectors.ErrCanceled, Service: "pax8", Err: ctx.Err()}
	}
	return s.subs, s.subsErr
}

func (stubDistributor) Calls() int { return 7 }

func TestSyncDistributorSavesOneSnapshot(t *testing.T) {
	t.Parallel()
	keep := &memSources{}
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	d := stubDistributor{
		accounts: []connectors.DistributorAccount{{ID: "a1", Name: "Contoso"}, {ID: "a2", Name: "Fabrikam"}},
		subs:     []connectors.DistributorSubscription{{ID: "s1", AccountID: "a1", Quantity: 5}},
	}
	res, err := SyncDistributor(context.Background(), "pax8", d, keep, func() time.Time { return at })
	if err != nil || !res.OK {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if res.Counts["accounts"] != 2 || res.Counts["subscriptions"] != 1 || res.Calls != 7 {
		t.Errorf("counts %v calls %d", res.Counts, res.Calls)
	}
	if keep.saves != 1 || keep.dist.Kind != "pax8" || !keep.dist.TakenAt.Equal(at) || len(keep.dist.Accounts) != 2 {
		t.Errorf("saved %d times: %+v", keep.saves, keep.dist)
	}
}

func TestSyncDistributorFailureKeepsPreviousSnapshotMarkedStale(t *testing.T) {
	t.Parallel()
	keep := &memSources{}
	refused := &connectors.Error{Kind: connectors.ErrUnauthorized, Service: "pax8", Op: "get token", Message: "the client secret was refused"}
	d := stubDistributor{subsErr: refused}
	res, err := SyncDistributor(context.Background(), "pax8", d, keep, time.Now)
	if err != nil {
		t.Fatalf("a source failure is reported in the result, not as an error: %v", err)
	}
	if res.OK || !strings.Contains(res.Error, "client secret was refused") {
		t.Errorf("result %+v", res)
	}
	if keep.saves != 0 {
		t.Error("a failed read replaced the snapshot")
	}
	if !strings.Contains(keep.stale[connectors.KindDistributor], "client secret was refused") {
		t.Errorf("stale mark = %q", keep.stale[connectors.KindDistributor])
	}
}

func TestSyncDistributorInterruptedMarksNothing(t *testing.T) {
	t.Parallel()
	keep := &memSources{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := SyncDistributor(ctx, "pax8", stubDistributor{block: true}, keep, time.Now)
	if err != nil || !res.Interrupted || res.OK {
		t.Fatalf("result %+v err %v; want interrupted", res, err)
	}
	if len(keep.stale) != 0 || keep.saves != 0 {
		t.Errorf("an interruption marked %v / saved %d", keep.stale, keep.saves)
	}
}

func TestSyncDistributorSaveFailureIsAnError(t *testing.T) {
	t.Parallel()
	keep := &memSources{failSave: errors.New("another seats is busy with this home")}
	res, err := SyncDistributor(context.Background(), "pax8", stubDistributor{}, keep, time.Now)
	if err == nil || res.OK || !strings.Contains(res.Error, "could not be saved") {
		t.Errorf("result %+v err %v", res, err)
	}
}

type stubPSA struct{ linesErr error }

func (stubPSA) Companies(context.Context) ([]connectors.PSACompany, error) {
	return []connectors.PSACompany{{ID: "1"}}, nil
}
func (stubPSA) Catalog(context.Context) ([]connectors.CatalogItem, error) {
	return []connectors.CatalogItem{{ID: "i1"}, {ID: "i2"}}, nil
}
func (s stubPSA) Lines(context.Context) ([]connectors.BillingLine, error) {
	return []connectors.BillingLine{{ItemID: "i1"}}, s.linesErr
}

func TestSyncPSA(t *testing.T) {
	t.Parallel()
	keep := &memSources{}
	res, err := SyncPSA(context.Background(), "connectwise", stubPSA{}, keep, time.Now)
	if err != nil || !res.OK || res.Counts["companies"] != 1 || res.Counts["items"] != 2 || res.Counts["lines"] != 1 {
		t.Fatalf("result %+v err %v", res, err)
	}
	keep = &memSources{}
	res, _ = SyncPSA(context.Background(), "connectwise", stubPSA{linesErr: &connectors.Error{Kind: connectors.ErrUnavailable, Service: "connectwise", Status: 503}}, keep, time.Now)
	if res.OK || keep.psa != nil || keep.stale[connectors.KindPSA] == "" {
		t.Errorf("a failed lines read: result %+v, saved %v, stale %v", res, keep.psa, keep.stale)
	}
}
