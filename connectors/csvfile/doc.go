// Package csvfile is the "CSV file" distributor connector: for an MSP whose
// distributor has no API, or will not grant access to it, seats reads what
// the distributor bills from a CSV file the MSP exports or writes by hand
// (config distributor.kind: csv, distributor.csv.path: the file). It has no
// secret and makes no network call.
//
// # The file
//
// The first row is a header naming the columns; columns are found by name,
// in any order. Header names ignore case, surrounding spaces, and treat
// spaces and hyphens as underscores ("Renewal Date" is renewal_date); a few
// common other names are accepted too (customer_id for account_id, seats
// for quantity, part_number for sku...: see columnAliases). A column seats
// does not know is ignored and named once in the file's warnings
// (Client.Warnings, Parse's File.Warnings), so that a misspelt optional
// column is noticed rather than silently dropped. A column named twice is an
// error.
//
// The separator is a comma, or a semicolon or a tab when the header row uses
// it (Excel in much of Europe writes ";"). Fields may be quoted ("Tailspin,
// Ltd" or "say ""hi"""); a UTF-8 byte order mark and CRLF line ends (Excel's
// "CSV UTF-8") are accepted. Wholly empty rows are skipped.
//
// One row is one subscription. The columns:
//
//	account_id                 required  the distributor's id of the customer account; rows with
//	                                     the same id are one account, and must not disagree on its
//	                                     name, tenant, domain or status
//	account_name               required  the customer's name as the distributor spells it
//	tenant_id                  optional  the customer's Microsoft tenant id, a GUID
//	domain                     optional  a domain or website of the customer ("contoso.com",
//	                                     "https://www.contoso.com/" is read as contoso.com)
//	account_status             optional  active (the default) or inactive (also: deleted)
//	subscription_id            optional  the distributor's id of the subscription; unique in the
//	                                     file. Without it seats derives one from account_id,
//	                                     product (sku, else name) and term, which stays the same
//	                                     when the quantity, price or dates change; two rows of one
//	                                     account, product and term get "-2", "-3"... in file order,
//	                                     so give ids where an account has such twins
//	product_name               required  the product as the distributor names it
//	vendor                     optional  "Microsoft", "Acronis"...; blank means Microsoft when the
//	                                     sku is a GUID, a part number of seats' SKU catalogue or a
//	                                     Microsoft CSP product id (CFQ7TTC0...), or the name is one
//	                                     of the catalogue's or starts with Microsoft or Office 365;
//	                                     otherwise another vendor, with a warning
//	sku                        optional  a GUID is Microsoft's SKU id (Graph skuId); anything else
//	                                     is the vendor's part number ("SPB", "CFQ7TTC0LCHC:0002")
//	microsoft_subscription_id  optional  Graph's commerceSubscriptionId of the same subscription in
//	                                     the tenant, a GUID; only on Microsoft rows
//	quantity                   required  a whole number of seats, 0 or more ("25"; "25.0" is read
//	                                     as 25; "2.5", "2,5", "1,000" and "-3" are errors)
//	unit_cost                  optional  what the MSP pays per seat per billing period
//	unit_price                 optional  the distributor's suggested price to the customer
//	                                     (both: a decimal number in the currency's unit, "19.80",
//	                                     no currency sign or thousands separator; in a file
//	                                     separated by ";" a decimal comma is also read, "19,80";
//	                                     more decimals than the currency has are rounded half to
//	                                     even, with a warning; blank means not known, never 0)
//	currency                   optional  ISO 4217 ("USD", "EUR"); required on a row with a cost or
//	                                     price; an unknown code is an error
//	term                       optional  the commitment: monthly (also month, 1 month, P1M),
//	                                     annual (year, yearly, 1 year, 12 months, P1Y) or
//	                                     triennial (3 years, 36 months, P3Y); blank is unknown;
//	                                     another spelling is kept as unknown with a warning
//	billing_frequency          optional  how often it is invoiced: monthly, annual or once (also
//	                                     one-time); blank is unknown; another spelling is kept as
//	                                     unknown with a warning
//	start_date                 optional  when the subscription started
//	renewal_date               optional  when its commitment ends (it renews or ends then)
//	end_date                   optional  when it ends or ended (a cancellation)
//	                                     (dates: YYYY-MM-DD, e.g. 2025-04-03; a time after the date,
//	                                     "2025-04-03T09:30:00Z" or "2025-04-03 09:30:00", is
//	                                     ignored and the day is taken as written; 03/04/2025 and
//	                                     other orders are errors, since they are ambiguous)
//	status                     optional  active (the default), pending_cancel, suspended,
//	                                     cancelled (or canceled), trial or pending, in any case,
//	                                     with spaces, hyphens or underscores; another value is
//	                                     kept as unknown (not counted) with a warning
//
// # Errors
//
// A file is read whole or not at all: every problem names its line and
// column ("line 14, column quantity: "2,5" is not a whole number of seats"),
// the first maxProblems of them are reported together, and a file with any
// problem yields an error of kind connectors.ErrBadResponse (a
// *connectors.Error whose Err is a *FileError) and no accounts or
// subscriptions, so that a half-read file never looks like cancelled
// subscriptions. Values seats can keep but not trust (an unknown status or
// term, a rounded price) are kept and flagged in the subscription's
// Warnings, as every distributor connector does.
//
// A missing file is ErrNotFound and a file seats may not read ErrForbidden,
// each saying which path and what to do. A read that fails for a moment (a
// file Excel holds locked, a network share that hiccups) or a file that
// changes while it is read (an export still writing it) is tried again
// after a short wait, twice, then reported (ErrUnavailable, or ErrBadResponse
// for a file that kept changing).
//
// Accounts appear only through their rows: an account with no subscription
// is not in the file. Template gives an example file; Generate renders the
// sandbox's file from the neutral generator input.
package csvfile
