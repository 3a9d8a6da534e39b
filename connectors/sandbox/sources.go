package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
	"github.com/seats-msp/seats/connectors/skus"
)

// The distributor's and the PSA's worlds live beside world.json, each in
// its own file, generated from the Microsoft world on first use so that the
// same customers appear in all three (some named differently, some missing,
// as in real life).
const (
	pax8FileName        = "pax8.json"
	connectWiseFileName = "connectwise.json"
)

// Where the fakes are mounted on the sandbox's one address.
const (
	pax8Prefix        = "/pax8"
	connectWisePrefix = "/connectwise"
)

// Credentials are the sandbox's made-up distributor and PSA credentials: the
// values a person would paste from Pax8's and ConnectWise's own screens.
// They are random for every new sandbox world and good for nothing else.
type Credentials struct {
	Pax8ClientID, Pax8ClientSecret string
	ConnectWiseCompanyID           string
	ConnectWisePublicKey           string
	ConnectWisePrivateKey          string
	ConnectWiseClientID            string
}

// SourceEndpoints are the URLs of the sandbox's distributor and PSA.
type SourceEndpoints struct {
	Pax8URL, Pax8TokenURL string
	ConnectWiseURL        string // the API base with its codebase
}

// sourceWorlds are the distributor's and the PSA's worlds of one sandbox.
type sourceWorlds struct {
	pax8 *pax8fake.World
	cw   *cwfake.World
}

// loadOrGenerateSources reads pax8.json and connectwise.json, generating the
// missing ones from the Microsoft world. Their secrets come from crypto/rand,
// never from the seed.
func loadOrGenerateSources(dir string, ms *msfake.World, now time.Time, logf func(string, ...any)) (sourceWorlds, error) {
	var sw sourceWorlds
	p8Path := filepath.Join(dir, pax8FileName)
	p8, err := loadJSON[pax8fake.World](p8Path)
	switch {
	case err == nil:
		sw.pax8 = p8
	case errors.Is(err, fs.ErrNotExist):
		w := pax8fake.Generate(ms, ms.Seed, now)
		w.ClientSecret = randomHex(24)
		w.SigningKey = []byte(randomHex(32))
		if err := saveJSON(p8Path, &w); err != nil {
			return sw, err
		}
		logf("sandbox: generated Pax8's world (%d companies, %d subscriptions) in %s", len(w.Companies), len(w.Subscriptions), p8Path)
		sw.pax8 = &w
	default:
		return sw, err
	}
	cwPath := filepath.Join(dir, connectWiseFileName)
	cw, err := loadJSON[cwfake.World](cwPath)
	switch {
	case err == nil:
		sw.cw = cw
	case errors.Is(err, fs.ErrNotExist):
		w := cwfake.Generate(connectWiseInput(ms, sw.pax8), ms.Seed, now)
		w.PrivateKey = randomHex(16)
		if w.ClientID == "" {
			// ConnectWise hands out a GUID per integration.
			id := randomHex(32)
			w.ClientID = id[:8] + "-" + id[8:12] + "-4" + id[13:16] + "-8" + id[17:20] + "-" + id[20:32]
		}
		if err := saveJSON(cwPath, &w); err != nil {
			return sw, err
		}
		logf("sandbox: generated ConnectWise's world (%d companies, %d agreements) in %s", len(w.Companies), len(w.Agreements), cwPath)
		sw.cw = &w
	default:
		return sw, err
	}
	return sw, nil
}

// connectWiseInput says what the PSA should bill: per Microsoft customer,
// what its distributor bills the MSP (Pax8's active subscriptions of the
// company that holds the tenant id or the same domain), else the tenant's
// own enabled licences as monthly seats, as an MSP that bills from the
// tenant would.
func connectWiseInput(ms *msfake.World, p8 *pax8fake.World) cwfake.GenerateInput {
	products := map[string]pax8fake.Product{}
	for _, p := range p8.Products {
		products[p.ID] = p
	}
	companyOf := map[string]string{} // tenant id or domain -> company id
	for _, c := range p8.Companies {
		if c.ExternalID != "" {
			companyOf[strings.ToLower(c.ExternalID)] = c.ID
		}
		if c.Website != "" {
			companyOf[strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(c.Website, "https://"), "www."))] = c.ID
		}
	}
	// A company's subscriptions carry the tenant's commerce subscription
	// ids, which tie companies to tenants when neither the external id nor
	// the website does (as seats itself matches them).
	tenantOfCommerce := map[string]string{}
	for _, c := range ms.Customers {
		for _, sub := range c.Subscriptions {
			if sub.CommerceSubscriptionID != "" {
				tenantOfCommerce[strings.ToLower(sub.CommerceSubscriptionID)] = strings.ToLower(c.TenantID)
			}
		}
	}
	subsOf := map[string][]pax8fake.Subscription{}
	for _, s := range p8.Subscriptions {
		subsOf[s.CompanyID] = append(subsOf[s.CompanyID], s)
		if t := tenantOfCommerce[strings.ToLower(s.VendorSubscriptionID)]; t != "" {
			if _, known := companyOf[t]; !known {
				companyOf[t] = s.CompanyID
			}
		}
	}
	var in cwfake.GenerateInput
	for _, c := range ms.Customers {
		gc := cwfake.GenerateCustomer{TenantID: c.TenantID, Name: c.Name, Domain: c.Domain}
		company := companyOf[strings.ToLower(c.TenantID)]
		if company == "" {
			company = companyOf[strings.ToLower(c.Domain)]
		}
		for _, s := range subsOf[company] {
			p := products[s.ProductID]
			if p.VendorName != "Microsoft" || s.VendorSkuID == "" || (s.Status != "Active" && s.Status != "PendingCancel") {
				continue
			}
			qty, err := strconv.Atoi(s.Quantity.String())
			if err != nil {
				continue
			}
			term := connectors.TermMonthly
			if s.Commitment != nil && strings.HasPrefix(s.Commitment.Term, "1") {
				term = connectors.TermAnnual
			}
			price, _, _ := connectors.ParseMoney(s.Price.String(), "USD")
			if term == connectors.TermAnnual && s.BillingTerm == "Monthly" {
				// The PSA bills annual seats on an annually billed
				// agreement: its price is per year.
				price = price.Times(12)
			}
			sku, _ := skus.ByID(s.VendorSkuID)
			gc.Products = append(gc.Products, cwfake.GenerateProduct{SkuID: s.VendorSkuID, SkuPartNumber: sku.PartNumber,
				Name: skus.DisplayName(s.VendorSkuID, ""), Term: term, Quantity: qty, UnitPrice: price})
		}
		if company == "" {
			for _, k := range c.Skus {
				if skus.FreeOrTrial(k.SkuID, k.SkuPartNumber) {
					continue
				}
				gc.Products = append(gc.Products, cwfake.GenerateProduct{SkuID: k.SkuID, SkuPartNumber: k.SkuPartNumber,
					Name: skus.DisplayName(k.SkuID, k.SkuPartNumber), Term: connectors.TermMonthly, Quantity: k.Enabled})
			}
		}
		in.Customers = append(in.Customers, gc)
	}
	return in
}

// loadSources reads both source worlds, which must exist.
func loadSources(dir string) (sourceWorlds, error) {
	p8, err := loadJSON[pax8fake.World](filepath.Join(dir, pax8FileName))
	if err != nil {
		return sourceWorlds{}, err
	}
	cw, err := loadJSON[cwfake.World](filepath.Join(dir, connectWiseFileName))
	if err != nil {
		return sourceWorlds{}, err
	}
	return sourceWorlds{pax8: p8, cw: cw}, nil
}

// serveSources builds the Pax8 and ConnectWise fakes over their worlds;
// the ConnectWise world is written back after every write it takes.
func (s *Sandbox) serveSources(sw sourceWorlds, o Options) {
	s.pax8 = pax8fake.New(sw.pax8, pax8fake.Options{Latency: o.Latency, Now: o.Now})
	cwPath := filepath.Join(s.dir, connectWiseFileName)
	s.cw = cwfake.New(sw.cw, cwfake.Options{Latency: o.Latency, Now: o.Now, OnChange: func(w cwfake.World) {
		if err := saveJSON(cwPath, &w); err != nil {
			s.logf("sandbox: %v", err)
		}
	}})
	s.sourceMux = http.NewServeMux()
	s.sourceMux.Handle(pax8Prefix+"/", http.StripPrefix(pax8Prefix, s.pax8))
	s.sourceMux.Handle(connectWisePrefix+"/", http.StripPrefix(connectWisePrefix, s.cw))
}

// routeSource serves a distributor or PSA request; ok is false for any other
// path (the fake Microsoft's).
func (s *Sandbox) routeSource(w http.ResponseWriter, r *http.Request) bool {
	if s.sourceMux == nil || !(strings.HasPrefix(r.URL.Path, pax8Prefix+"/") || strings.HasPrefix(r.URL.Path, connectWisePrefix+"/")) {
		return false
	}
	s.sourceMux.ServeHTTP(w, r)
	return true
}

// SourceEndpoints returns where the sandbox serves its distributor and PSA.
func (s *Sandbox) SourceEndpoints() SourceEndpoints {
	p8 := pax8fake.EndpointsFor(s.base + pax8Prefix)
	codebase := strings.TrimSuffix(s.sources.cw.Codebase, "/")
	return SourceEndpoints{Pax8URL: p8.BaseURL, Pax8TokenURL: p8.TokenURL,
		ConnectWiseURL: s.base + connectWisePrefix + "/" + codebase + "/apis/3.0"}
}

// Credentials returns the sandbox's made-up distributor and PSA credentials.
func (s *Sandbox) Credentials() Credentials {
	return Credentials{
		Pax8ClientID: s.sources.pax8.ClientID, Pax8ClientSecret: s.sources.pax8.ClientSecret,
		ConnectWiseCompanyID: s.sources.cw.CompanyID, ConnectWisePublicKey: s.sources.cw.PublicKey,
		ConnectWisePrivateKey: s.sources.cw.PrivateKey, ConnectWiseClientID: s.sources.cw.ClientID,
	}
}

// Pax8 and ConnectWise return the running fakes (nil when another process
// serves the sandbox), for tests that pull their levers.
func (s *Sandbox) Pax8() *pax8fake.Server      { return s.pax8 }
func (s *Sandbox) ConnectWise() *cwfake.Server { return s.cw }

func loadJSON[T any](path string) (*T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("sandbox: %s is damaged (%v); run `seats sandbox reset` to start a new world", path, err)
	}
	return &v, nil
}

// saveJSON writes a world file atomically with mode 0600: it holds the
// sandbox's made-up secrets.
func saveJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sandbox: encode %s: %w", filepath.Base(path), err)
	}
	return writeFileAtomic(path, append(data, '\n'), 0o600)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)[:n]
}
