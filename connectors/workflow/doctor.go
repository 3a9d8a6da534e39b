package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
)

// CheckStatus is how one readiness check came out.
type CheckStatus string

// The outcomes of a readiness check.
const (
	CheckOK   CheckStatus = "ok"
	CheckWarn CheckStatus = "warn"
	CheckFail CheckStatus = "fail"
	CheckSkip CheckStatus = "skip" // could not be checked: an earlier check failed
)

// Check is one line of the readiness check: what was checked, how it came
// out, what was seen, and (when not ok) how to fix it.
type Check struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
	Detail string      `json:"detail"`
	Fix    string      `json:"fix,omitempty"`
}

// ReadinessSource is what the readiness check asks Microsoft with seats'
// own sign-in; *microsoft.Client satisfies it.
type ReadinessSource interface {
	Account(ctx context.Context) (connectors.Account, bool, error)
	ConsentedScopes(ctx context.Context, api string) ([]string, error)
	PartnerGroups(ctx context.Context) ([]string, error)
	GDAPRelationships(ctx context.Context) ([]connectors.GDAPRelationship, bool, error)
}

// ReadinessInput is what Readiness checks.
type ReadinessInput struct {
	ClientID string                    // microsoft.client_id, "" when unset
	Source   ReadinessSource           // nil when there is no client id
	Probes   []microsoft.EndpointProbe // one call to each host (microsoft.Probe)
	Now      time.Time                 // decides which GDAP relationships count
}

// maxSkew is how far the clock may be off before sign-ins fail: Entra
// allows five minutes.
const maxSkew = 5 * time.Minute

// Readiness checks, in order, whether seats can work: the application id
// is set and the application has its permissions; someone is signed in
// with a partner role; GDAP relationships exist with the roles partner
// consent needs; the clock is right; TLS to each host works. Each failed
// line says how to fix it. Checks that need an earlier one are skipped
// when it failed.
func Readiness(ctx context.Context, in ReadinessInput) []Check {
	var out []Check
	add := func(c Check) { out = append(out, c) }
	if in.ClientID == "" {
		add(Check{Name: "Application", Status: CheckFail, Detail: "microsoft.client_id is not set",
			Fix: "run `seats app create` (or set microsoft.client_id to an application you registered)"})
	} else {
		add(Check{Name: "Application", Status: CheckOK, Detail: "client id " + in.ClientID})
	}
	signedIn := false
	if in.Source != nil {
		acct, ok, err := in.Source.Account(ctx)
		switch {
		case err != nil && microsoft.KindOfAppError(err) == connectors.ErrNotFound:
			add(Check{Name: "Sign-in", Status: CheckFail, Detail: "Microsoft does not know the application " + in.ClientID,
				Fix: "run `seats app create`, or check microsoft.client_id"})
		case err != nil:
			add(Check{Name: "Sign-in", Status: CheckFail, Detail: oneLine(err), Fix: "run `seats login`"})
		case !ok:
			add(Check{Name: "Sign-in", Status: CheckFail, Detail: "nobody is signed in", Fix: "run `seats login`"})
		default:
			signedIn = true
			add(Check{Name: "Sign-in", Status: CheckOK, Detail: acct.Username + " (partner tenant " + acct.PartnerTenantID + ")"})
		}
	}
	if signedIn {
		out = append(out, permissionsCheck(ctx, in.Source))
		out = append(out, partnerRoleCheck(ctx, in.Source))
		out = append(out, gdapCheck(ctx, in.Source, in.Now))
	} else {
		for _, name := range []string{"Permissions", "Partner role", "GDAP"} {
			add(Check{Name: name, Status: CheckSkip, Detail: "needs a sign-in"})
		}
	}
	out = append(out, clockCheck(in.Probes))
	for _, p := range in.Probes {
		out = append(out, tlsCheck(p))
	}
	return out
}

// permissionsCheck compares what is consented with what seats needs.
func permissionsCheck(ctx context.Context, src ReadinessSource) Check {
	c := Check{Name: "Permissions"}
	have := map[string][]string{}
	for _, api := range []string{"graph", "partner center"} {
		scopes, err := src.ConsentedScopes(ctx, api)
		switch {
		case errors.Is(err, microsoft.ErrOpaqueToken):
			c.Status, c.Detail = CheckWarn, "Microsoft's token does not show the permissions"
			c.Fix = "run `seats app show` to see them"
			return c
		case connectors.KindOf(err) == connectors.ErrConsentRequired:
			c.Status, c.Detail = CheckFail, "the application's permissions are not consented in the partner tenant"
			c.Fix = "run `seats app create`: it grants the admin consent"
			return c
		case err != nil:
			c.Status, c.Detail, c.Fix = CheckFail, oneLine(err), "run `seats app show` to see what the application lacks"
			return c
		}
		have[api] = scopes
	}
	var missing []string
	for _, p := range microsoft.RequiredPermissions {
		api := "graph"
		if p.APIAppID == microsoft.PartnerCenterAppID {
			api = "partner center"
		}
		if !slices.Contains(have[api], p.Scope) {
			missing = append(missing, p.API+" "+p.Scope)
		}
	}
	if len(missing) > 0 {
		c.Status, c.Detail = CheckFail, "missing "+strings.Join(missing, ", ")
		c.Fix = "run `seats app create`: it completes the application and grants the admin consent"
		return c
	}
	c.Status, c.Detail = CheckOK, fmt.Sprintf("all %d delegated permissions consented", len(microsoft.RequiredPermissions))
	return c
}

// partnerRoleCheck looks for Partner Center's Admin Agent role.
func partnerRoleCheck(ctx context.Context, src ReadinessSource) Check {
	c := Check{Name: "Partner role"}
	groups, err := src.PartnerGroups(ctx)
	if err != nil {
		c.Status, c.Detail = CheckWarn, "could not read the account's groups: "+oneLine(err)
		c.Fix = "check in Partner Center (Account settings, User management) that the account is an Admin Agent"
		return c
	}
	if slices.ContainsFunc(groups, func(g string) bool { return strings.EqualFold(g, "AdminAgents") }) {
		c.Status, c.Detail = CheckOK, "Admin Agent"
		return c
	}
	c.Status, c.Detail = CheckFail, "the account is not an Admin Agent"
	c.Fix = "in Partner Center, Account settings, User management: give the account the Admin Agent role"
	return c
}

// gdapCheck counts customers with active GDAP, and those with the roles
// partner consent needs.
func gdapCheck(ctx context.Context, src ReadinessSource, now time.Time) Check {
	c := Check{Name: "GDAP"}
	rels, available, err := src.GDAPRelationships(ctx)
	switch {
	case err != nil:
		c.Status, c.Detail, c.Fix = CheckFail, oneLine(err), "check the permission DelegatedAdminRelationship.Read.All (`seats app show`)"
		return c
	case !available:
		c.Status, c.Detail = CheckOK, "not available in this cloud; consent decides alone"
		return c
	}
	byTenant := map[string][]connectors.GDAPRelationship{}
	for _, r := range rels {
		key := strings.ToLower(r.CustomerTenantID)
		byTenant[key] = append(byTenant[key], r)
	}
	active, withRoles := 0, 0
	for _, rs := range byTenant {
		sum := connectors.SummarizeGDAP(rs, now)
		if !sum.Status.AllowsAccess() {
			continue
		}
		active++
		if len(sum.MissingConsentRoles()) == 0 {
			withRoles++
		}
	}
	switch {
	case active == 0:
		c.Status, c.Detail = CheckFail, fmt.Sprintf("%d relationships, none active", len(rels))
		c.Fix = "create GDAP relationships with your customers in Partner Center"
	case withRoles < active:
		c.Status = CheckWarn
		c.Detail = fmt.Sprintf("%d customers with active GDAP, %d with Privileged Role Administrator and Application Administrator", active, withRoles)
		c.Fix = "add those roles to the other relationships for partner consent, or consent them with `seats consent --method admin`"
	default:
		c.Status, c.Detail = CheckOK, fmt.Sprintf("%d customers with active GDAP, all with the roles partner consent needs", active)
	}
	return c
}

// clockCheck compares this machine's clock with Microsoft's.
func clockCheck(probes []microsoft.EndpointProbe) Check {
	c := Check{Name: "Clock"}
	var worst time.Duration
	seen := false
	for _, p := range probes {
		if !p.HasDT {
			continue
		}
		seen = true
		if d := p.Skew.Abs(); d > worst.Abs() {
			worst = p.Skew
		}
	}
	switch {
	case !seen:
		c.Status, c.Detail = CheckSkip, "no server answered with its time"
	case worst.Abs() > maxSkew:
		c.Status, c.Detail = CheckFail, fmt.Sprintf("this machine's clock is %s off Microsoft's", worst.Abs())
		c.Fix = "set the clock right (turn on time sync, NTP): sign-ins fail beyond 5 minutes"
	default:
		c.Status, c.Detail = CheckOK, fmt.Sprintf("within %s of Microsoft's", max(worst.Abs(), time.Second))
	}
	return c
}

// tlsCheck says whether one host answered over TLS.
func tlsCheck(p microsoft.EndpointProbe) Check {
	c := Check{Name: "TLS " + p.Name}
	switch {
	case p.Err == nil:
		c.Status, c.Detail = CheckOK, hostOf(p.URL)
	case p.TLS:
		c.Status, c.Detail = CheckFail, hostOf(p.URL)+": the certificate is not trusted ("+oneLine(p.Err)+")"
		c.Fix = "a proxy inspects TLS here: set tls.ca_file to its CA certificate"
	default:
		c.Status, c.Detail = CheckFail, hostOf(p.URL)+": "+oneLine(p.Err)
		c.Fix = "check the network, the firewall and HTTPS_PROXY"
	}
	return c
}

func hostOf(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		return u
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// oneLine is an error's own one sentence when it has one.
func oneLine(err error) string {
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Message != "" {
		return ce.Message
	}
	return err.Error()
}
