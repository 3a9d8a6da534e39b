package csvfile

// template is the example file `seats distributor template` writes: every
// column, and rows showing the usual cases (a SKU id, a part number, a
// product of another vendor, an account without a tenant id, a cancelled
// subscription, prices in euros, a subscription whose price is not known).
const template = `account_id,account_name,tenant_id,domain,account_status,subscription_id,product_name,vendor,sku,microsoft_subscription_id,quantity,unit_cost,unit_price,currency,term,billing_frequency,start_date,renewal_date,end_date,status
C-1001,Contoso Ltd,6f1b3c52-0d1e-4b8a-9a4e-2f0c7d5e8a11,contoso.com,active,S-5001,Microsoft 365 Business Premium,Microsoft,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,a7c1e2d4-3b5f-4c6a-8d9e-0f1a2b3c4d5e,25,19.80,22.00,USD,annual,monthly,2025-04-01,2026-03-31,,active
C-1001,Contoso Ltd,6f1b3c52-0d1e-4b8a-9a4e-2f0c7d5e8a11,contoso.com,active,S-5002,Exchange Online (Plan 1),Microsoft,EXCHANGESTANDARD,,4,3.60,4.00,USD,monthly,monthly,2025-06-15,2025-07-14,,active
C-1001,Contoso Ltd,6f1b3c52-0d1e-4b8a-9a4e-2f0c7d5e8a11,contoso.com,active,S-5003,Acronis Cyber Protect Cloud,Acronis,ACR-CPC-WS,,25,2.10,3.50,USD,monthly,monthly,2025-04-01,,,active
C-1002,"Fabrikam, Inc.",,fabrikam.com,active,S-5004,Microsoft 365 Business Basic,Microsoft,CFQ7TTC0LH18:0001,,12,5.40,6.00,USD,annual,annual,2024-11-01,2025-10-31,,pending_cancel
C-1002,"Fabrikam, Inc.",,fabrikam.com,active,S-5005,Microsoft 365 Business Standard,Microsoft,f245ecc8-75af-4f8e-b61f-27d8114de5f3,,3,,,,monthly,monthly,2025-08-01,,,trial
C-1003,Northwind Traders GmbH,0b8e2a71-4c3d-4e5f-9a6b-7c8d9e0f1a2b,northwind.de,active,S-5006,Microsoft 365 E3,Microsoft,05e9a617-0261-4cee-bb44-138d3ef5d965,,40,33.12,36.00,EUR,triennial,monthly,2024-01-01,2026-12-31,,active
C-1004,Tailspin Toys,,tailspintoys.com,inactive,S-5007,Microsoft 365 Business Premium,Microsoft,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,,10,19.80,22.00,USD,annual,monthly,2023-05-01,2024-04-30,2024-04-30,cancelled
`

// Template returns an example file with the header and a few realistic
// rows, to start a file from or to show an MSP what to export.
func Template() []byte { return []byte(template) }
