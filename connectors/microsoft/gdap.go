package microsoft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// graphRelationship is a Graph delegatedAdminRelationship, the fields seats
// maps. Dates are null until the relationship is active.
type graphRelationship struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Status      string `json:"status"`
	Customer    struct {
		TenantID    string `json:"tenantId"`
		DisplayName string `json:"displayName"`
	} `json:"customer"`
	AccessDetails     graphAccessDetails `json:"accessDetails"`
	ActivatedDateTime *time.Time         `json:"activatedDateTime"`
	EndDateTime       *time.Time         `json:"endDateTime"`
}

type graphAccessDetails struct {
	UnifiedRoles []struct {
		RoleDefinitionID string `json:"roleDefinitionId"`
	} `json:"unifiedRoles"`
}

func (d graphAccessDetails) roles() []string {
	out := make([]string, 0, len(d.UnifiedRoles))
	for _, r := range d.UnifiedRoles {
		if r.RoleDefinitionID != "" {
			out = append(out, r.RoleDefinitionID)
		}
	}
	return out
}

// graphAccessAssignment is a delegatedAdminAccessAssignment.
type graphAccessAssignment struct {
	ID            string             `json:"id"`
	Status        string             `json:"status"`
	AccessDetails graphAccessDetails `json:"accessDetails"`
}

// GDAPRelationships lists the partner's delegated admin relationships (all
// pages) and, for each active or expiring one, the roles of its active
// access assignments, read 20 relationships to a Graph JSON batch. An
// assignments listing that answers 403 leaves that relationship with
// AssignmentsRead=false; one that fails otherwise (after retries: an
// answer cut short, a relationship ended a moment ago) sets its
// AssignmentsError and costs that relationship only, never the whole call.
// Without the GDAP API (Config.GDAP false: sovereign clouds) it answers
// available=false without a call.
func (c *Client) GDAPRelationships(ctx context.Context) ([]connectors.GDAPRelationship, bool, error) {
	if !c.cfg.GDAP {
		return nil, false, nil
	}
	rels, err := withToken(ctx, c, "token for GDAP", c.signInScopes(), "", func(tok string) ([]connectors.GDAPRelationship, error) {
		return c.gdapRelationships(ctx, tok)
	})
	return rels, true, err
}

// gdapRelationships is GDAPRelationships with a token.
func (c *Client) gdapRelationships(ctx context.Context, tok string) ([]connectors.GDAPRelationship, error) {
	hdr := bearer(tok)
	base := c.graphURL + "/v1.0/tenantRelationships/delegatedAdminRelationships"

	var rels []connectors.GDAPRelationship
	err := httpx.ODataEach(ctx, c.graph, base+"?$top=300", hdr, "list GDAP relationships", func(g graphRelationship) error {
		rels = append(rels, connectors.GDAPRelationship{
			ID:               g.ID,
			DisplayName:      g.DisplayName,
			CustomerTenantID: g.Customer.TenantID,
			CustomerName:     g.Customer.DisplayName,
			Status:           g.Status,
			Roles:            g.AccessDetails.roles(),
			ActivatedAt:      timeOf(g.ActivatedDateTime),
			EndsAt:           timeOf(g.EndDateTime),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}

	var active []int
	for i, r := range rels {
		if r.Status == connectors.RelActive || r.Status == connectors.RelExpiring {
			active = append(active, i)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(min(GraphConcurrency, c.cfg.Concurrency))
	for start := 0; start < len(active); start += maxBatch {
		chunk := active[start:min(start+maxBatch, len(active))]
		g.Go(func() error {
			return c.readAssignments(gctx, tok, rels, chunk)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return rels, nil
}

// readAssignments reads the access assignments of the relationships
// rels[i] for i in chunk in one batch and records, per relationship, the
// assigned roles, or why they are unknown. Only a cancelled ctx is an
// error.
func (c *Client) readAssignments(ctx context.Context, tok string, rels []connectors.GDAPRelationship, chunk []int) error {
	const op = "list GDAP access assignments"
	items := make([]batchItem, len(chunk))
	for n, i := range chunk {
		items[n] = batchItem{id: strconv.Itoa(i), url: "/tenantRelationships/delegatedAdminRelationships/" + url.PathEscape(rels[i].ID) + "/accessAssignments?$top=300", op: op}
	}
	got, err := c.graphBatch(ctx, tok, items)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		for _, i := range chunk {
			rels[i].AssignmentsError = describe(err)
		}
		return nil
	}
	for n, i := range chunk {
		r := &rels[i]
		res := got[items[n].id]
		var roles []string
		err := res.err
		if err == nil {
			roles, err = c.assignedRoles(ctx, tok, res.body, c.graphURL+"/v1.0"+items[n].url)
		}
		switch {
		case err == nil && len(roles) > 0:
			r.AssignedRoles, r.AssignmentsRead = roles, true
		case err == nil:
			// No active assignment yet (often while the MSP is still
			// setting the relationship up): show the relationship's
			// roles, which are what assignments can grant, rather than
			// claim the relationship grants nothing.
		case errors.Is(err, connectors.ErrForbidden):
			// Not readable by this user: the relationship's roles are
			// all we know.
		case ctx.Err() != nil:
			return err
		default:
			r.AssignmentsError = describe(err)
		}
	}
	return nil
}

// describe is an error as one line for a stale mark: the service's own
// words when it gave some.
func describe(err error) string {
	var ce *connectors.Error
	if errors.As(err, &ce) {
		what := ce.Kind.Error()
		if ce.Status != 0 {
			what = fmt.Sprintf("HTTP %d", ce.Status)
			var se *httpx.StatusError
			if errors.As(err, &se) && se.Attempts > 1 {
				what += fmt.Sprintf(" %d times", se.Attempts)
			}
		}
		if ce.Message != "" {
			what += ": " + strings.TrimSuffix(ce.Message, ".")
		}
		return fmt.Sprintf("Graph answered %s when reading the GDAP access assignments", what)
	}
	return "the GDAP access assignments could not be read: " + err.Error()
}

// assignedRoles reads one relationship's access assignments, starting from
// the first page already fetched in a batch, and returns the roles of the
// active ones, sorted and without duplicates.
func (c *Client) assignedRoles(ctx context.Context, tok string, page json.RawMessage, pageURL string) ([]string, error) {
	seen := map[string]bool{}
	err := httpx.ODataEachFrom(ctx, c.graph, page, pageURL, bearer(tok), "list GDAP access assignments", func(a graphAccessAssignment) error {
		if a.Status != "active" {
			return nil
		}
		for _, id := range a.AccessDetails.roles() {
			seen[id] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	roles := make([]string, 0, len(seen))
	for id := range seen {
		roles = append(roles, id)
	}
	sort.Strings(roles)
	return roles, nil
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
