package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
	"github.com/seats-msp/seats/reconcile"
)

// MatchKeeper is what matching reads and writes; the store satisfies it.
type MatchKeeper interface {
	CustomerStatuses() ([]connectors.CustomerStatus, error)
	// SnapshotsWithoutUsers are every tenant's licences; matching needs
	// no user.
	SnapshotsWithoutUsers() ([]connectors.LicenceSnapshot, error)
	DistributorSnapshot() (connectors.DistributorSnapshot, bool, error)
	PSASnapshot() (connectors.PSASnapshot, bool, error)
	Mappings() (reconcile.Mappings, error)
	// UpdateMappings reads the mappings, lets change edit them and writes
	// them back in one transaction, so that no change overwrites another.
	UpdateMappings(change func(m *reconcile.Mappings) error) error
}

// Matching runs the automatic matching passes over what the last syncs
// read, and records the engineer's own matches. The wizard's accounts and
// products steps and `seats map` share it.
type Matching struct {
	Keep MatchKeeper
}

// MatchView is everything the matching screens show: the mappings, and the
// candidates a person can pick from.
type MatchView struct {
	reconcile.Mappings
	DistributorKind     string
	DistributorAccounts []connectors.DistributorAccount
	PSAKind             string
	PSACompanies        []connectors.PSACompany
	Catalog             []connectors.CatalogItem
	// Customers are the customers the matching considered: every one
	// Partner Center lists (Ready or not, so an export lists them all).
	Customers []connectors.CustomerStatus
}

// Refresh runs every automatic pass (SKU ties, accounts, products) over the
// latest snapshots, keeping what the engineer made by hand, saves the result
// in one write and returns it. A source that has no snapshot yet leaves its
// side unmapped; a mapping is never dropped because a source is missing.
func (m *Matching) Refresh() (MatchView, error) {
	v, in, err := m.load(true)
	if err != nil {
		return v, err
	}
	licences, subs := in.licences, in.subs
	byTenant := map[string]*connectors.LicenceSnapshot{}
	for i := range licences {
		byTenant[strings.ToLower(licences[i].TenantID)] = &licences[i]
	}
	customers := make([]reconcile.MatchCustomer, 0, len(v.Customers))
	for _, c := range v.Customers {
		lic := byTenant[strings.ToLower(c.TenantID)]
		var domains []string
		if lic != nil {
			domains = lic.Domains
		}
		customers = append(customers, reconcile.NewMatchCustomer(c.Customer, lic, domains))
	}
	// The passes start from the mappings as they are inside the write, so
	// that a match a person makes meanwhile is never overwritten.
	err = m.Keep.UpdateMappings(func(mp *reconcile.Mappings) error {
		mp.Skus = reconcile.TieSkus(reconcile.SkuTieInput{Previous: mp.Skus, Licences: licences, Subscriptions: subs, DistributorKind: v.DistributorKind})
		mp.Accounts = reconcile.MatchAccounts(reconcile.AccountMatchInput{
			Customers:       customers,
			DistributorKind: v.DistributorKind, DistributorAccounts: v.DistributorAccounts, DistributorSubscriptions: subs,
			PSAKind: v.PSAKind, PSACompanies: v.PSACompanies,
			Previous: mp.Accounts,
		})
		mp.Products = reconcile.MatchProducts(reconcile.ProductMatchInput{
			Seen:     reconcile.ProductsSeen(mp.Skus, subs, licences),
			PSAKind:  v.PSAKind,
			Catalog:  v.Catalog,
			Previous: mp.Products,
		})
		v.Mappings = *mp
		return nil
	})
	return v, err
}

// View returns the stored mappings with the candidates, without a new
// automatic pass.
func (m *Matching) View() (MatchView, error) {
	v, _, err := m.load(false)
	return v, err
}

// matchInput is what the automatic passes read besides the view.
type matchInput struct {
	licences []connectors.LicenceSnapshot
	subs     []connectors.DistributorSubscription
}

// load reads the mappings and the candidates; withInputs also reads the
// licence snapshots, which only the automatic passes need (they are the
// bulk of the file: a person's single match does not read them).
func (m *Matching) load(withInputs bool) (MatchView, matchInput, error) {
	var v MatchView
	var in matchInput
	var err error
	if v.Mappings, err = m.Keep.Mappings(); err != nil {
		return v, in, err
	}
	if v.Customers, err = m.Keep.CustomerStatuses(); err != nil {
		return v, in, err
	}
	if withInputs {
		if in.licences, err = m.Keep.SnapshotsWithoutUsers(); err != nil {
			return v, in, err
		}
	}
	d, ok, err := m.Keep.DistributorSnapshot()
	if err != nil {
		return v, in, err
	}
	if ok {
		v.DistributorKind, v.DistributorAccounts = d.Kind, d.Accounts
		if withInputs {
			in.subs = d.Subscriptions
		}
	}
	p, ok, err := m.Keep.PSASnapshot()
	if err != nil {
		return v, in, err
	}
	if ok {
		v.PSAKind, v.PSACompanies, v.Catalog = p.Kind, p.Companies, p.Catalog
	}
	return v, in, nil
}

// ErrAccountTaken is returned when a person picks an account another
// customer already holds: two customers never share one account silently.
var ErrAccountTaken = errors.New("account already matched to another customer")

// SetAccount records the engineer's match of one customer's distributor or
// PSA side (side is connectors.KindDistributor or KindPSA): accountID "" is a
// confirmed "no account" that later passes leave alone. An account another
// customer holds is refused with ErrAccountTaken, naming that customer.
func (m *Matching) SetAccount(tenantID string, side connectors.ConnectorKind, accountID string) (reconcile.AccountMapping, error) {
	v, err := m.View()
	if err != nil {
		return reconcile.AccountMapping{}, err
	}
	match := reconcile.AccountMatch{State: reconcile.StateConfirmed, Evidence: reconcile.EvidenceHand, Reason: "no account, said by hand"}
	name := ""
	if accountID != "" {
		var ok bool
		if name, ok = v.accountName(side, accountID); !ok {
			return reconcile.AccountMapping{}, fmt.Errorf("the %s has no account %s in its last snapshot: run a sync, then pick again", sourceSide(side), accountID)
		}
		match = reconcile.HandMatch(accountID, name)
	}
	var out reconcile.AccountMapping
	err = m.Keep.UpdateMappings(func(mp *reconcile.Mappings) error {
		i := mappingIndex(mp.Accounts, tenantID)
		if i < 0 {
			return fmt.Errorf("no customer with tenant id %s: run a sync first", tenantID)
		}
		if accountID != "" {
			for j, other := range mp.Accounts {
				if j != i && sideOf(other, side).AccountID == accountID && sideOf(other, side).Matched() {
					return fmt.Errorf("%w: %s holds %s; unmatch it there first", ErrAccountTaken, other.Customer, name)
				}
			}
		}
		setSide(&mp.Accounts[i], side, match)
		out = mp.Accounts[i]
		return nil
	})
	return out, err
}

// ConfirmAccount turns a suggestion (or an automatic match) of one side into
// a match made by hand.
func (m *Matching) ConfirmAccount(tenantID string, side connectors.ConnectorKind) (reconcile.AccountMapping, error) {
	v, err := m.View()
	if err != nil {
		return reconcile.AccountMapping{}, err
	}
	i := mappingIndex(v.Accounts, tenantID)
	if i < 0 {
		return reconcile.AccountMapping{}, fmt.Errorf("no customer with tenant id %s", tenantID)
	}
	cur := sideOf(v.Accounts[i], side)
	if cur.AccountID == "" {
		return v.Accounts[i], fmt.Errorf("%s has no %s suggestion to confirm: pick an account instead", v.Accounts[i].Customer, sourceSide(side))
	}
	return m.SetAccount(tenantID, side, cur.AccountID)
}

// Exclude excludes a customer from matching (an internal or test tenant), or
// brings it back.
func (m *Matching) Exclude(tenantID string, excluded bool) (reconcile.AccountMapping, error) {
	var out reconcile.AccountMapping
	err := m.Keep.UpdateMappings(func(mp *reconcile.Mappings) error {
		i := mappingIndex(mp.Accounts, tenantID)
		if i < 0 {
			return fmt.Errorf("no customer with tenant id %s", tenantID)
		}
		mp.Accounts[i].Excluded = excluded
		out = mp.Accounts[i]
		return nil
	})
	return out, err
}

// SetProduct records the engineer's match of one (SKU, term) to a PSA
// catalogue item; itemID "" is a confirmed "not billed in the PSA".
func (m *Matching) SetProduct(key reconcile.ProductKey, itemID string) (reconcile.ProductMatch, error) {
	v, err := m.View()
	if err != nil {
		return reconcile.ProductMatch{}, err
	}
	name := ""
	if itemID != "" {
		j := slices.IndexFunc(v.Catalog, func(c connectors.CatalogItem) bool { return c.ID == itemID })
		if j < 0 {
			return reconcile.ProductMatch{}, fmt.Errorf("the PSA catalogue has no item %s", itemID)
		}
		name = v.Catalog[j].Description
	}
	var hand reconcile.ProductMatch
	err = m.Keep.UpdateMappings(func(mp *reconcile.Mappings) error {
		i := slices.IndexFunc(mp.Products, func(p reconcile.ProductMatch) bool {
			return strings.EqualFold(p.SkuID, key.SkuID) && p.Term == key.Term
		})
		if i < 0 {
			return fmt.Errorf("no product %s on a %s term: run a sync first", skus.DisplayName(key.SkuID, ""), key.Term)
		}
		cur := mp.Products[i]
		hand = reconcile.HandProductMatch(cur.ProductKey, itemID, name)
		hand.Product, hand.SkuPartNumber, hand.FreeOrTrial, hand.TermAssumed = cur.Product, cur.SkuPartNumber, cur.FreeOrTrial, cur.TermAssumed
		mp.Products[i] = hand
		return nil
	})
	return hand, err
}

// TieSku records the engineer's tie of a distributor product to a SKU (""
// to untie it).
func (m *Matching) TieSku(productID, skuID string) (reconcile.SkuTie, error) {
	if skuID != "" {
		if _, ok := skus.ByID(skuID); !ok {
			return reconcile.SkuTie{}, fmt.Errorf("%s is not a Microsoft SKU id seats knows", skuID)
		}
	}
	var tie reconcile.SkuTie
	err := m.Keep.UpdateMappings(func(mp *reconcile.Mappings) error {
		i := slices.IndexFunc(mp.Skus, func(t reconcile.SkuTie) bool { return t.ProductID == productID })
		if i < 0 {
			return fmt.Errorf("the distributor sells no product %s in its last snapshot", productID)
		}
		tie = reconcile.HandTie(productID, mp.Skus[i].ProductName, skuID)
		mp.Skus[i] = tie
		return nil
	})
	return tie, err
}

func (v MatchView) accountName(side connectors.ConnectorKind, id string) (string, bool) {
	if side == connectors.KindPSA {
		for _, c := range v.PSACompanies {
			if c.ID == id {
				return c.Name, true
			}
		}
		return "", false
	}
	for _, a := range v.DistributorAccounts {
		if a.ID == id {
			return a.Name, true
		}
	}
	return "", false
}

func mappingIndex(ms []reconcile.AccountMapping, tenantID string) int {
	return slices.IndexFunc(ms, func(m reconcile.AccountMapping) bool { return strings.EqualFold(m.TenantID, tenantID) })
}

func sideOf(m reconcile.AccountMapping, side connectors.ConnectorKind) reconcile.AccountMatch {
	if side == connectors.KindPSA {
		return m.PSA
	}
	return m.Distributor
}

func setSide(m *reconcile.AccountMapping, side connectors.ConnectorKind, a reconcile.AccountMatch) {
	if side == connectors.KindPSA {
		m.PSA = a
		return
	}
	m.Distributor = a
}

func sourceSide(side connectors.ConnectorKind) string {
	if side == connectors.KindPSA {
		return "PSA"
	}
	return "distributor"
}
