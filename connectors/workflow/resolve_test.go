package workflow

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

type domainMap map[string]string

func (d domainMap) TenantIDForDomain(_ context.Context, domain string) (string, error) {
	if id, ok := d[strings.ToLower(domain)]; ok {
		return id, nil
	}
	return "", &connectors.Error{Kind: connectors.ErrNotFound, Message: "unknown domain"}
}

func TestFindCustomer(t *testing.T) {
	t.Parallel()
	st := func(id, name, domain string) connectors.CustomerStatus {
		return connectors.CustomerStatus{Customer: connectors.Customer{TenantID: id, Name: name, PrimaryDomain: domain}}
	}
	list := []connectors.CustomerStatus{
		st("11111111-0000-0000-0000-000000000001", "Contoso", "contoso.onmicrosoft.com"),
		st("22222222-0000-0000-0000-000000000002", "Fabrikam", "fabrikam.onmicrosoft.com"),
		st("33333333-0000-0000-0000-000000000003", "Northwind", "northwind.onmicrosoft.com"),
		st("44444444-0000-0000-0000-000000000004", "Northwind", "northwind2.onmicrosoft.com"),
	}
	domains := domainMap{"contoso.com": "11111111-0000-0000-0000-000000000001", "elsewhere.com": "99999999-0000-0000-0000-000000000009"}
	tests := []struct {
		name, query, wantID, wantErr string
	}{
		{"tenant id", "22222222-0000-0000-0000-000000000002", "22222222-0000-0000-0000-000000000002", ""},
		{"tenant id in capitals", "22222222-0000-0000-0000-000000000002", "22222222-0000-0000-0000-000000000002", ""},
		{"primary domain", "FABRIKAM.onmicrosoft.com", "22222222-0000-0000-0000-000000000002", ""},
		{"other verified domain", "contoso.com", "11111111-0000-0000-0000-000000000001", ""},
		{"exact name", "contoso", "11111111-0000-0000-0000-000000000001", ""},
		{"ambiguous name lists both", "Northwind", "", "2 customers are named \"Northwind\"; give the tenant id or domain of the one you mean:\n" +
			"  33333333-0000-0000-0000-000000000003  northwind.onmicrosoft.com  Northwind\n"},
		{"domain of a stranger", "elsewhere.com", "", "elsewhere.com belongs to tenant 99999999-0000-0000-0000-000000000009, which is not one of your customers in Partner Center"},
		{"unknown", "Tailspin", "", "no customer has the tenant id, domain or name \"Tailspin\" (`seats status` lists them)"},
		{"part of a name is not a name", "Contos", "", "no customer has the tenant id, domain or name \"Contos\""},
		{"only spaces", "  ", "", "give a tenant id, a domain or a customer name: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FindCustomer(context.Background(), list, tt.query, domains)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if tt.name == "ambiguous name lists both" && !strings.Contains(err.Error(), "44444444-0000-0000-0000-000000000004") {
					t.Fatalf("the candidates are not all listed: %v", err)
				}
				if tt.name == "unknown" && !errors.Is(err, connectors.ErrNotFound) {
					t.Fatalf("an unknown customer is not ErrNotFound: %v", err)
				}
				return
			}
			if err != nil || got.TenantID != tt.wantID {
				t.Fatalf("got %s, %v; want %s", got.TenantID, err, tt.wantID)
			}
		})
	}
}
