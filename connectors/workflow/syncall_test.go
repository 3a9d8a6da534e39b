package workflow_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/workflow"
)

// countingDistributor counts its listings.
type countingDistributor struct{ reads atomic.Int32 }

func (d *countingDistributor) Accounts(context.Context) ([]connectors.DistributorAccount, error) {
	d.reads.Add(1)
	return []connectors.DistributorAccount{{ID: "a1", Name: "Contoso", Active: true}}, nil
}

func (d *countingDistributor) Subscriptions(context.Context) ([]connectors.DistributorSubscription, error) {
	d.reads.Add(1)
	return nil, nil
}

// countingPSA counts its listings.
type countingPSA struct{ reads atomic.Int32 }

func (p *countingPSA) Companies(context.Context) ([]connectors.PSACompany, error) {
	p.reads.Add(1)
	return nil, nil
}

func (p *countingPSA) Catalog(context.Context) ([]connectors.CatalogItem, error) {
	p.reads.Add(1)
	return nil, nil
}

func (p *countingPSA) Lines(context.Context) ([]connectors.BillingLine, error) {
	p.reads.Add(1)
	return nil, nil
}

// The wizard's first full sync follows the matching steps, which read both
// sources moments before: a source read recently is not read again (the
// Autotask budget is shared), and says so; the other is read as usual.
func TestSyncSkipsASourceReadRecently(t *testing.T) {
	t.Parallel()
	h := newHarness(t, msfake.SmallWorld(), msfake.Options{})
	readAt := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	dist, psa := &countingDistributor{}, &countingPSA{}
	var asked []connectors.ConnectorKind
	all := &workflow.Everything{Customers: h.customers, Sources: h.store,
		Distributor: dist, DistributorKind: "pax8", PSA: psa, PSAKind: "connectwise",
		ReadRecently: func(side connectors.ConnectorKind, kind string) (time.Time, bool) {
			asked = append(asked, side)
			return readAt, side == connectors.KindDistributor && kind == "pax8"
		}}
	rep, err := all.Sync(context.Background(), workflow.SyncAllProgress{})
	if err != nil {
		t.Fatal(err)
	}
	if dist.reads.Load() != 0 {
		t.Errorf("the distributor read recently was read again (%d listings)", dist.reads.Load())
	}
	if psa.reads.Load() != 3 {
		t.Errorf("the PSA, not read recently, made %d listings; want 3", psa.reads.Load())
	}
	if len(asked) != 2 {
		t.Errorf("ReadRecently asked for %v; want both sides", asked)
	}
	var gotDist, gotPSA bool
	for _, r := range rep.Sources {
		switch r.Source {
		case connectors.KindDistributor:
			gotDist = true
			if !r.OK || !r.Recent || !r.ReadAt.Equal(readAt) {
				t.Errorf("distributor result %+v: want OK, Recent, read at %s", r, readAt)
			}
		case connectors.KindPSA:
			gotPSA = true
			if !r.OK || r.Recent {
				t.Errorf("PSA result %+v: want read now", r)
			}
		}
	}
	if !gotDist || !gotPSA {
		t.Errorf("sources reported: %+v", rep.Sources)
	}

	// Without ReadRecently every source is read.
	all.ReadRecently = nil
	if _, err := all.Sync(context.Background(), workflow.SyncAllProgress{}); err != nil {
		t.Fatal(err)
	}
	if dist.reads.Load() != 2 {
		t.Errorf("without ReadRecently the distributor made %d listings; want 2", dist.reads.Load())
	}
}
