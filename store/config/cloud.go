package config

import (
	"fmt"
	"strings"
)

// The Microsoft clouds seats can sign in to (values of microsoft.cloud).
const (
	CloudGlobal   = "global"   // commercial cloud, including GCC moderate
	CloudUSGov    = "usgov"    // US Government GCC High (L4)
	CloudUSGovDoD = "usgovdod" // US Government DoD (L5)
	CloudChina    = "china"    // operated by 21Vianet
)

// Endpoints are the three hosts seats talks to in one cloud, without a
// trailing slash, and whether that cloud offers the GDAP APIs (they are
// global-only).
type Endpoints struct {
	AuthorityHost    string // Entra ID sign-in, e.g. https://login.microsoftonline.com
	GraphURL         string // Microsoft Graph, e.g. https://graph.microsoft.com
	PartnerCenterURL string // Partner Center REST API
	GDAP             bool   // whether tenantRelationships/delegatedAdminRelationships exist here
}

// cloudTable is data on purpose: a new sovereign cloud is one more row. The
// hosts come from Microsoft's national-cloud documentation.
var cloudTable = map[string]Endpoints{
	CloudGlobal: {
		AuthorityHost:    "https://login.microsoftonline.com",
		GraphURL:         "https://graph.microsoft.com",
		PartnerCenterURL: "https://api.partnercenter.microsoft.com",
		GDAP:             true,
	},
	CloudUSGov: {
		AuthorityHost:    "https://login.microsoftonline.us",
		GraphURL:         "https://graph.microsoft.us",
		PartnerCenterURL: "https://api.partnercenter.microsoft.com",
	},
	CloudUSGovDoD: {
		AuthorityHost:    "https://login.microsoftonline.us",
		GraphURL:         "https://dod-graph.microsoft.us",
		PartnerCenterURL: "https://api.partnercenter.microsoft.com",
	},
	CloudChina: {
		AuthorityHost:    "https://login.chinacloudapi.cn",
		GraphURL:         "https://microsoftgraph.chinacloudapi.cn",
		PartnerCenterURL: "https://partner.partnercenterapi.microsoftonline.cn",
	},
}

// Clouds returns the accepted values of microsoft.cloud, global first.
func Clouds() []string {
	return []string{CloudGlobal, CloudUSGov, CloudUSGovDoD, CloudChina}
}

// CloudEndpoints returns the hosts of a cloud named as in microsoft.cloud, or
// an error listing the accepted names.
func CloudEndpoints(cloud string) (Endpoints, error) {
	e, ok := cloudTable[cloud]
	if !ok {
		return Endpoints{}, fmt.Errorf("config: unknown cloud %q (want one of %s)", cloud, strings.Join(Clouds(), ", "))
	}
	return e, nil
}
