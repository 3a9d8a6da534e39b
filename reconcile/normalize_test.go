package reconcile

import (
	"slices"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		key      string
		stripped []string
	}{
		{"Contoso", "contoso", nil},
		{"CONTOSO", "contoso", nil},
		{"Contoso, Inc.", "contoso", []string{"Inc"}},
		{"Contoso Inc", "contoso", []string{"Inc"}},
		{"Contoso LLC", "contoso", []string{"LLC"}},
		{"Contoso Pty Ltd", "contoso", []string{"Pty", "Ltd"}},
		{"Contoso Pty. Ltd.", "contoso", []string{"Pty", "Ltd"}},
		{"Fabrikam GmbH", "fabrikam", []string{"GmbH"}},
		{"Fabrikam GmbH & Co. KG", "fabrikam", []string{"GmbH", "Co", "KG"}},
		{"Northwind Corp.", "northwind", []string{"Corp"}},
		{"Northwind Co", "northwind", []string{"Co"}},
		{"Tailspin plc", "tailspin", []string{"plc"}},
		{"Tailspin S.A.", "tailspin", []string{"S.A."}},
		{"Tailspin AG", "tailspin", []string{"AG"}},
		{"Tailspin B.V.", "tailspin", []string{"BV"}},
		{"Tailspin BV", "tailspin", []string{"BV"}},
		{"Smith & Sons", "smith and sons", nil},
		{"Smith and Sons", "smith and sons", nil},
		{"Smith+Sons", "smith and sons", nil},
		{"O'Brien Plumbing", "obrien plumbing", nil},
		{"O’Brien Plumbing", "obrien plumbing", nil},
		{"Müller Bäckerei GmbH", "muller backerei", []string{"GmbH"}},
		{"Mueller-Bäckerei", "mueller backerei", nil},
		{"Crème Brûlée Café", "creme brulee cafe", nil},
		{"Straße AG", "strasse", []string{"AG"}},
		{"Søren Ærø ApS", "soren aero", []string{"ApS"}},
		{"Łódź Sp", "lodz sp", nil},
		{"Ｃｏｎｔｏｓｏ", "contoso", nil}, // full-width letters
		{"  Contoso   Ltd  ", "contoso", []string{"Ltd"}},
		{"Company", "company", nil}, // only a suffix: kept, never empty
		{"Co Ltd", "co ltd", nil},   // likewise
		{"Inc. Magazine Inc", "inc magazine", []string{"Inc"}},
		{"Contoso (Sydney)", "contoso sydney", nil},
		{"東京商事", "東京商事", nil},
		{"", "", nil},
	}
	for _, tt := range tests {
		got := NormalizeName(tt.in)
		if got.Key != tt.key || !slices.Equal(got.Stripped, tt.stripped) {
			t.Errorf("NormalizeName(%q) = %q stripped %q; want %q stripped %q", tt.in, got.Key, got.Stripped, tt.key, tt.stripped)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"contoso.com", "contoso.com"},
		{"https://www.Contoso.com/about?x=1", "contoso.com"},
		{"http://contoso.com:8080", "contoso.com"},
		{"WWW.CONTOSO.COM.", "contoso.com"},
		{"billing@contoso.com", "contoso.com"},
		{" ", ""},
	}
	for _, tt := range tests {
		if got := normalizeDomain(tt.in); got != tt.want {
			t.Errorf("normalizeDomain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Contoso, Inc.", "Fabrikam GmbH & Co. KG", "Ｃｏｎｔｏｓｏ", "S.A.", "\xff\xfe", "Inc Inc Inc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeName(s)
		again := NormalizeName(n.Key)
		// Normalising is idempotent on a name that kept its suffixes out.
		if len(n.Stripped) == 0 && again.Key != n.Key {
			t.Errorf("NormalizeName(%q) = %q, but normalising that gives %q", s, n.Key, again.Key)
		}
		if (n.Key == "") != (len(n.Tokens) == 0) {
			t.Errorf("key %q and tokens %q disagree", n.Key, n.Tokens)
		}
	})
}

func TestIDKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46":    "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
		"CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46":    "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
		" cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\t": "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
		"Ä1": "ä1", "": "",
	} {
		if got := idKey(in); got != want {
			t.Errorf("idKey(%q) = %q, want %q", in, got, want)
		}
	}
}
