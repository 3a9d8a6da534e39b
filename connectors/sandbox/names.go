package sandbox

// Word lists for made-up names. None of them contains "token": MSAL derives
// the device-code URL by replacing every "token" in the token endpoint, and
// although names never reach a URL today, domains do.

// companyPrefixes start a customer name: places and the kind of words small
// businesses name themselves after.
var companyPrefixes = []string{
	"Harbor", "Northwind", "Bluewater", "Cedar", "Summit", "Riverside", "Oakridge", "Pinecrest",
	"Lakeside", "Granite", "Silverline", "Redwood", "Ironbridge", "Maple", "Evergreen", "Brightside",
	"Stonegate", "Westfield", "Eastgate", "Fairview", "Highland", "Meadowbrook", "Coastal", "Prairie",
	"Willow", "Aspen", "Birchwood", "Copperfield", "Crescent", "Driftwood", "Elmstead", "Foxglove",
	"Goldcrest", "Hillcrest", "Juniper", "Kestrel", "Larkspur", "Millbrook", "Newport", "Orchard",
	"Parkside", "Quarry", "Ravenwood", "Sandstone", "Thornbury", "Upland", "Valley", "Wexford",
	"Yarrow", "Zenith", "Alder", "Beacon", "Canyon", "Delta", "Ember", "Falcon", "Glacier", "Heron",
	"Ivy", "Jasper",
}

// companyTrades say what the customer does.
var companyTrades = []string{
	"Dental", "Logistics", "Legal", "Accounting", "Architecture", "Veterinary", "Plumbing", "Roofing",
	"Construction", "Engineering", "Insurance", "Realty", "Marketing", "Pharmacy", "Bakery", "Brewing",
	"Fitness", "Orthodontics", "Optometry", "Landscaping", "Consulting", "Wealth", "Capital", "Freight",
	"Manufacturing", "Printing", "Electric", "Heating", "Pediatrics", "Chiropractic", "Solar", "Marine",
	"Motors", "Farms", "Foods", "Catering", "Travel", "Media", "Studios", "Design", "Surveying",
	"Staffing", "Recruiting", "Tutoring", "Academy", "Clinic", "Physiotherapy", "Imaging", "Labs",
	"Hospitality",
}

// companySuffixes end a customer name; the empty one leaves two words
// ("Northwind Logistics").
var companySuffixes = []string{
	"", "", "", "Group", "LLC", "Inc", "Partners", "Associates", "& Co", "Ltd", "Services",
	"Solutions", "Holdings",
}

// partnerNames are the MSP's own tenant, one picked per world.
var partnerNames = []string{
	"Contoso MSP", "Fabrikam Managed IT", "Bluepeak IT Services", "Tailspin Technology Partners",
	"Litware Cloud Services", "Adatum Managed Services", "Proseware IT", "Wingtip Networks",
}

// firstNames and lastNames make user display names and UPNs.
var firstNames = []string{
	"Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Harper",
	"Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas",
	"Mia", "Logan", "Amelia", "Elijah", "Charlotte", "James", "Evelyn", "Benjamin", "Abigail", "Henry",
	"Emily", "Daniel", "Ella", "Samuel", "Grace", "David", "Chloe", "Joseph", "Zoe", "Carter",
	"Priya", "Arjun", "Mei", "Hiroshi", "Fatima", "Omar", "Sofia", "Mateo", "Ingrid", "Lars",
	"Aisha", "Kwame", "Elena", "Marco", "Nadia", "Tomas", "Leila", "Rafael", "Hannah", "Owen",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Perez",
	"Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
	"Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
	"Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim",
	"Chen", "Singh", "Okafor", "Novak", "Larsen", "Rossi", "Dubois", "Schmidt", "Tanaka", "Murphy",
}

// sharedAccounts are the mailboxes small businesses create as users; they
// are usually disabled for sign-in, and a licence left on one is exactly the
// waste an MSP wants to find.
var sharedAccounts = []struct{ Name, Alias string }{
	{"Info", "info"}, {"Accounts Payable", "accounts"}, {"Reception", "reception"},
	{"Scanner", "scanner"}, {"Bookings", "bookings"}, {"Sales", "sales"},
}
