// Package keys owns all of SecureMailbox's cryptography: randomness, the key
// hierarchy, typed keys, symmetric sealing, HPKE key wraps, password-derived
// keys, the server master keyring, streaming attachment encryption and
// signatures.
//
// It is the only package in the module that imports crypto primitives
// (crypto/hpke, crypto/aes, crypto/cipher, crypto/hkdf, crypto/hmac,
// crypto/sha256, crypto/rand, crypto/subtle, crypto/ed25519 and
// golang.org/x/crypto/argon2), with three stated exceptions that protect no
// secret: crypto/sha256 as an integrity checksum in internal/blob (it resumes the
// hash state chunk by chunk) and for asset versions in views, and crypto/tls where
// connections are made (internal/web, internal/notify). TestCryptoImports holds
// the module to this. Keeping them behind this small API means the
// rest of the code base handles typed keys and opaque byte strings only, and
// every format decision (versions, suites, bindings) is made and tested in
// one place. It imports no domain package.
//
// # Key roles
//
// Each key role is its own type with unexported bytes and no raw getter:
//
//   - [Secret]: 256 random bits that travel to a person (session cookie, API
//     token, link key). The database stores only [Secret.Hash]; keys are
//     derived from it with [Secret.Derive].
//   - [SymmetricKey]: an AES-256-GCM key with a key id. It protects small
//     values at rest (a sealed private key, a subject, metadata).
//   - [ContentKey]: the per-message key; [ContentKey.Subkey] derives one
//     [SymmetricKey] per part (subject, body, metadata).
//   - [FileKey]: the per-attachment key for the chunked stream format.
//   - [PrivateKey] / [PublicKey]: HPKE key pairs (MLKEM768X25519, hybrid
//     post-quantum) for accounts, shared mailboxes, pending recipients and
//     escrow. Content, file and private keys are wrapped to public keys.
//   - [SigningKey]: Ed25519 key for receipts and checkpoints.
//   - [MasterKeyring]: the server's versioned master keys. They protect
//     operational secrets (TOTP, provider credentials, job metadata) and
//     authenticate stored public keys; they never protect message content.
//   - [Hasher]: turns a password or other user-typed secret into a
//     [SymmetricKey] (the KEK) and a stored verifier record.
//
// Key material never leaks through fmt or log/slog: every key type formats
// as "[redacted]". [Secret.String] is the deliberate exception: it is the
// wire form handed to the person, and callers must treat it as secret.
//
// # Formats
//
// Every ciphertext, wrap, MAC tag and stream starts with a format version
// byte and a suite id, followed by the id of the key that made it. Parsers
// reject unknown versions, suites and lengths with [ErrFormat] and never
// panic; a wrong key, a tampered value or a value bound elsewhere fails
// with [ErrWrongKey]. Known-answer vectors in testdata/ pin every format.
//
// # Binding
//
// A ciphertext is bound to where it belongs: a [Binding] (purpose, tenant,
// object kind and id) goes into the AEAD additional data, and a [WrapInfo]
// (purpose, tenant, object, recipient and recipient key id) goes into the
// HPKE info. A value copied to another row, tenant or recipient fails to
// open. Bindings deliberately exclude things that legitimately change
// (region, storage site, path, folder, owner), so moving data never breaks
// it. All lists that feed AAD, info or MACs are length-prefixed, so no two
// different lists encode alike.
package keys
