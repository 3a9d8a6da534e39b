package csvfile

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// Generate renders the sandbox's file from the neutral generator input: one
// row per subscription, accounts in input order, every column, the same
// bytes for the same input. It writes as Excel's "CSV UTF-8" does (a byte
// order mark, CRLF line ends), so that the sandbox reads what an MSP's
// export looks like. Account and subscription ids are the input's keys. An
// account without subscriptions has no row, as in any such file; a
// negative quantity is written as 0 and a price in another currency than
// the cost is left blank, since the file cannot hold either.
func Generate(in fakekit.DistributorInput) []byte {
	var buf bytes.Buffer
	buf.Write(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(Columns()) // a bytes.Buffer does not fail
	for _, a := range in.Accounts {
		status := "active"
		if !a.Active {
			status = "inactive"
		}
		for _, s := range a.Subscriptions {
			sku := s.SkuID
			if sku == "" {
				sku = s.SkuPartNumber
			}
			cost, price := s.UnitCost, s.UnitPrice
			currency := cost.Currency
			if currency == "" {
				currency = price.Currency
			}
			if price.Known() && price.Currency != currency {
				price = connectors.Money{}
			}
			row := map[string]string{
				colAccountID: a.Key, colAccountName: a.Name, colTenantID: a.TenantID, colDomain: a.Domain,
				colAccountStatus: status, colSubscriptionID: s.Key, colProductName: s.ProductName,
				colVendor: s.Vendor, colSku: sku, colMicrosoftSubID: s.CommerceSubscriptionID,
				colQuantity: strconv.Itoa(max(s.Quantity, 0)), colUnitCost: cost.Decimal(), colUnitPrice: price.Decimal(),
				colCurrency: currency, colTerm: string(s.Term), colBillingFrequency: billingWord(s.BillingFrequency),
				colStartDate: day(s.StartDate), colRenewalDate: day(s.CommitmentEnd), colEndDate: day(s.EndDate),
				colStatus: string(s.Status),
			}
			rec := make([]string, 0, len(row))
			for _, c := range Columns() {
				rec = append(rec, row[c])
			}
			_ = w.Write(rec)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// billingWord leaves an unknown frequency blank, which is how a file says
// it does not know.
func billingWord(b connectors.BillingFrequency) string {
	if b == connectors.BillUnknown {
		return ""
	}
	return string(b)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}
