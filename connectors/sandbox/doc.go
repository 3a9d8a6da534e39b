// Package sandbox gives seats a whole pretend Microsoft partner world to run
// against without a real tenant: Generate builds a seeded World of made-up
// customers (GDAP relationships in every state, consents, licences, users),
// and Start serves it from the very same fake the connector tests use
// (connectors/microsoft/msfake), over HTTPS on 127.0.0.1 with a CA of its own.
//
// Everything lives under one directory, normally <home>/sandbox:
//
//	world.json    the World (0600: it holds the key the fake signs tokens with)
//	sandbox.json  {"port":N,"world_id":"..."}: the address, kept stable so the
//	              MSAL token cache (keyed by host and port) stays valid
//	ca.pem        the CA certificate seats trusts through tls.ca_file (0644)
//	ca-key.pem    the CA key (0600)
//	sandbox.lock  taken while a process generates files or picks the port
//
// Separate seats commands therefore see one consistent world: the first to
// start serves it on the recorded port and writes every change (a consent)
// back to world.json; a process that finds the port already serving this
// world uses that server instead of starting its own (Sandbox.External).
//
// The sandbox is not bbolt: only the store package opens bbolt files.
package sandbox
