// Package store keeps everything seats knows in one bbolt file, seats.db, in
// the seats home. It is the only package that opens that file and the only
// one that imports bbolt; everything else gets typed values from its methods.
//
// # Bucket tree
//
// Whenever the layout below changes: update this drawing, add a migration
// (migrations.go) with its test (migrations_test.go), and bump LatestSchema.
//
//	meta/
//	  schema_version                 -> uint64, big-endian: the last migration applied
//	  home_id                        -> random hex, made on first use: the home's identity in plans
//	  data_version                   -> uint64, big-endian: bumped by every write but the bookkeeping
//	                                    ones (wizard/, reports/); kept tables hold while it stays (schema 5)
//	wizard/                                                               (schema 1)
//	  progress                       -> WizardProgress, JSON
//	  inventory                      -> reconcile.Inventory, JSON: what the last run saw
//	microsoft/                                                            (schema 2)
//	  customers_refreshed_at         -> time, JSON (UTC RFC3339Nano)
//	  account/
//	    current                      -> connectors.Account, JSON
//	  customers/
//	    <tenant id>                  -> connectors.Customer, JSON
//	  gdap/
//	    <tenant id>                  -> connectors.GDAPSummary, JSON
//	  consents/
//	    <tenant id>                  -> connectors.ConsentRecord, JSON
//	  snapshots/
//	    <tenant id>                  -> connectors.LicenceSnapshot without its users, JSON
//	  snapshot_users/                                                     (schema 4)
//	    <tenant id>                  -> the snapshot's []connectors.User, JSON: most of its
//	                                    bytes, kept apart so that the tables open without them
//	  syncs/
//	    <uint64 big-endian sequence> -> SyncRun, JSON
//	distributor/                                                          (schema 3)
//	  connection                     -> SourceConnection, JSON
//	  snapshot                       -> connectors.DistributorSnapshot without its time, JSON
//	  snapshot_meta                  -> snapshotMeta (time, stale mark), JSON
//	  syncs/
//	    <uint64 big-endian sequence> -> SyncRun, JSON
//	psa/                                                                  (schema 3)
//	  connection, snapshot, snapshot_meta, syncs/   as distributor/, with connectors.PSASnapshot
//	  writes/
//	    <uint64 big-endian sequence> -> connectors.PSAWrite, JSON: the intent, then its outcome (audit log)
//	mappings/                                                             (schema 3)
//	  accounts, products, skus       -> the matches of each kind, JSON
//	reports/                                                              (schema 5)
//	  tables_meta                    -> the key and data_version the kept tables were computed under,
//	                                    and how many chunks of each kind they have, JSON
//	  tables/                        -> the licence tables last computed, replaced whole at each keep:
//	    head                         -> reconcile.Tables without customers and findings, JSON
//	    c<uint64 big-endian>         -> 250 of its customers ([]reconcile.CustomerLicences), JSON
//	    f<uint64 big-endian>         -> 250 of its findings ([]reconcile.Finding), JSON
//
// Tenant ids are keys lower-cased and trimmed (Microsoft compares them without
// case), and the TenantID fields inside values are stored the same way so that
// values and keys always agree. Integer keys are big-endian so that cursor
// order is numeric order. Values are JSON; every time in them is stored in UTC.
//
// # Sharing the file
//
// bbolt's file lock is exclusive for writers, and a wizard may be open while a
// scheduled `seats sync` runs. So a *Store does not keep the file open: every
// method opens it, runs one short transaction and closes it again, and the
// lock is held only for that long. Reads open the file read-only and so only
// exclude writers. Calls from one process queue for the file in order; calls
// from different processes take turns through bbolt's lock. When the lock cannot be had within Options.LockTimeout a
// method returns an error wrapping ErrBusy instead of hanging. Values are
// copied out of the transaction and decoded after the file is closed, which
// keeps the lock short and means nothing returned points into the file.
//
// # Damaged and newer files
//
// A file that bbolt refuses, whose pages make bbolt panic, or that has no meta
// bucket yields an error wrapping ErrCorrupt; a file written by a newer seats
// yields ErrNewerSchema. In both cases the file is left byte for byte as it
// was, so nothing the user had is lost: Open checks an existing file
// read-only before anything opens it for writing.
package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
)

// LatestSchema is the schema version this build writes and understands: the
// version of the last migration. It must equal len(migrations), which a test
// checks.
const LatestSchema = 5

// Bucket and key names. They are package variables because bbolt takes
// []byte; never modify them.
var (
	bucketMeta       = []byte("meta")
	keySchemaVersion = []byte("schema_version")

	bucketWizard      = []byte("wizard")
	keyWizardProgress = []byte("progress")

	bucketMicrosoft         = []byte("microsoft")
	keyCustomersRefreshedAt = []byte("customers_refreshed_at")
	bucketAccount           = []byte("account")
	keyAccountCurrent       = []byte("current")
	bucketCustomers         = []byte("customers")
	bucketGDAP              = []byte("gdap")
	bucketConsents          = []byte("consents")
	bucketSnapshots         = []byte("snapshots")
	bucketSnapshotUsers     = []byte("snapshot_users")
	bucketSyncs             = []byte("syncs")

	bucketDistributor = []byte("distributor")
	bucketPSA         = []byte("psa")
	bucketPSAWrites   = []byte("writes")
	keyConnection     = []byte("connection")
	keySnapshot       = []byte("snapshot")
	keySnapshotMeta   = []byte("snapshot_meta")

	bucketMappings = []byte("mappings")
)

// Paths of the nested buckets, as the methods reach them.
var (
	pathAccount   = [][]byte{bucketMicrosoft, bucketAccount}
	pathCustomers = [][]byte{bucketMicrosoft, bucketCustomers}
	pathGDAP      = [][]byte{bucketMicrosoft, bucketGDAP}
	pathConsents  = [][]byte{bucketMicrosoft, bucketConsents}
	pathSnapshots = [][]byte{bucketMicrosoft, bucketSnapshots}
	pathUsers     = [][]byte{bucketMicrosoft, bucketSnapshotUsers}

	pathDistributor = [][]byte{bucketDistributor}
	pathPSA         = [][]byte{bucketPSA}
	pathPSAWrites   = [][]byte{bucketPSA, bucketPSAWrites}
	pathMappings    = [][]byte{bucketMappings}
)

// SyncMicrosoft is the SyncRun kind of a licence sync with Microsoft.
const SyncMicrosoft = "microsoft"

// syncBuckets says where the runs of each sync kind live. A later kind
// (distributor, PSA) adds its bucket with a migration and a line here.
var syncBuckets = map[string][][]byte{
	SyncMicrosoft:   {bucketMicrosoft, bucketSyncs},
	SyncDistributor: {bucketDistributor, bucketSyncs},
	SyncPSA:         {bucketPSA, bucketSyncs},
}

// tenantKey is the key of a tenant id: trimmed and lower-cased, because
// Microsoft treats tenant ids without case and Partner Center and Graph do
// not always agree on it.
func tenantKey(id string) string {
	return strings.ToLower(strings.TrimSpace(id))
}

// u64 encodes n big-endian, so that keys sort in numeric order.
func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

// encode is the one value encoding of the file.
func encode(v any) ([]byte, error) {
	return json.Marshal(v)
}

// clone copies a value out of a transaction: bbolt's slices point into the
// memory-mapped file and are invalid once the transaction ends.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}

// bucketName renders a bucket path for messages: "microsoft/customers".
func bucketName(path [][]byte) string {
	return string(bytes.Join(path, []byte("/")))
}
