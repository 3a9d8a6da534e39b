package microsoft

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
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
// access assignments (fetched concurrently, bounded by Concurrency). An
// assignments listing that answers 403 leaves that relationship with
// AssignmentsRead=false instead of failing the whole call. Without the GDAP
// API (Config.GDAP false: sovereign clouds) it answers available=false
// without a call.
func (c *Client) GDAPRelationships(ctx context.Context) ([]connectors.GDAPRelationship, bool, error) {
	if !c.cfg.GDAP {
		return nil, false, nil
	}
	tok, err := c.token(ctx, "token for GDAP", c.signInScopes(), "")
	if err != nil {
		return nil, true, err
	}
	hdr := bearer(tok)
	base := c.graphURL + "/v1.0/tenantRelationships/delegatedAdminRelationships"

	var rels []connectors.GDAPRelationship
	err = httpx.ODataEach(ctx, c.graph, base+"?$top=300", hdr, "list GDAP relationships", func(g graphRelationship) error {
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
		return nil, true, err
	}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(min(GraphConcurrency, c.cfg.Concurrency))
	for i := range rels {
		r := &rels[i]
		if r.Status != connectors.RelActive && r.Status != connectors.RelExpiring {
			continue
		}
		g.Go(func() error {
			roles, err := c.assignedRoles(gctx, hdr.Clone(), base+"/"+url.PathEscape(r.ID)+"/accessAssignments?$top=300")
			switch {
			case err == nil && len(roles) > 0:
				r.AssignedRoles, r.AssignmentsRead = roles, true
			case err == nil:
				// No active assignment yet (often while the MSP is still
				// setting the relationship up): show the relationship's
				// roles, which are what assignments can grant, rather
				// than claim the relationship grants nothing.
			case errors.Is(err, connectors.ErrForbidden):
				// Not readable by this user: the relationship's roles
				// are all we know.
			default:
				return err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, true, err
	}
	return rels, true, nil
}

// assignedRoles reads every page of one relationship's access assignments
// and returns the roles of the active ones, sorted and without duplicates.
func (c *Client) assignedRoles(ctx context.Context, hdr http.Header, u string) ([]string, error) {
	seen := map[string]bool{}
	err := httpx.ODataEach(ctx, c.graph, u, hdr, "list GDAP access assignments", func(a graphAccessAssignment) error {
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
