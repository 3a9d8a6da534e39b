package workflow

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/seats-msp/seats/connectors"
)

// DomainResolver finds the tenant that owns a verified domain. The
// Microsoft client does it through the sign-in service, which knows every
// verified domain of every tenant, not only the primary one Partner Center
// lists.
type DomainResolver interface {
	TenantIDForDomain(ctx context.Context, domain string) (string, error)
}

// FindCustomer picks the one customer a person means by query: its tenant
// id, one of its verified domains, or its exact name (case does not
// matter). An ambiguous name is an error that lists the candidates with
// their tenant ids; an unknown one says where to look. domains may be nil:
// then only the primary domain is known.
func FindCustomer(ctx context.Context, statuses []connectors.CustomerStatus, query string, domains DomainResolver) (connectors.CustomerStatus, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return connectors.CustomerStatus{}, fmt.Errorf("give a tenant id, a domain or a customer name: %w", connectors.ErrNotFound)
	}
	byID := func(id string) (connectors.CustomerStatus, bool) {
		for _, st := range statuses {
			if strings.EqualFold(st.TenantID, id) {
				return st, true
			}
		}
		return connectors.CustomerStatus{}, false
	}
	if st, ok := byID(q); ok {
		return st, nil
	}
	for _, st := range statuses {
		if st.PrimaryDomain != "" && strings.EqualFold(st.PrimaryDomain, q) {
			return st, nil
		}
	}
	var named []connectors.CustomerStatus
	for _, st := range statuses {
		if strings.EqualFold(strings.TrimSpace(st.Name), q) {
			named = append(named, st)
		}
	}
	switch len(named) {
	case 1:
		return named[0], nil
	case 0:
	default:
		sort.Slice(named, func(i, j int) bool { return named[i].TenantID < named[j].TenantID })
		lines := make([]string, len(named))
		for i, st := range named {
			lines[i] = fmt.Sprintf("  %s  %s  %s", st.TenantID, st.PrimaryDomain, st.Name)
		}
		return connectors.CustomerStatus{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: "seats", Op: "find customer",
			Message: fmt.Sprintf("%d customers are named %q; give the tenant id or domain of the one you mean:\n%s", len(named), q, strings.Join(lines, "\n"))}
	}
	if domains != nil && strings.Contains(q, ".") && !strings.ContainsAny(q, " /") {
		// Any verified domain, not only the primary one: ask who owns it.
		if id, err := domains.TenantIDForDomain(ctx, q); err == nil {
			if st, ok := byID(id); ok {
				return st, nil
			}
			return connectors.CustomerStatus{}, &connectors.Error{Kind: connectors.ErrNotFound, Service: "seats", Op: "find customer",
				Message: fmt.Sprintf("%s belongs to tenant %s, which is not one of your customers in Partner Center", q, id)}
		} else if ctx.Err() != nil {
			return connectors.CustomerStatus{}, err
		}
	}
	return connectors.CustomerStatus{}, &connectors.Error{Kind: connectors.ErrNotFound, Service: "seats", Op: "find customer",
		Message: fmt.Sprintf("no customer has the tenant id, domain or name %q (`seats status` lists them)", q)}
}
