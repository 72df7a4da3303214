// Package storage defines where infgen keeps workflow state, and the
// conformance suite (package storagetest) every implementation must pass.
//
// A Storage is a versioned key-value store with tag sets, small enough to be
// implemented on an embedded file, PostgreSQL, Redis or MySQL:
//
//   - Get returns a record and its version.
//   - Put writes a record only if its current version is the expected one
//     (0 creates it), returning the new version, or ErrConflict.
//   - Tags map a tag to a set of record ids, listed in id order by pages.
//
// Implementations: package embedded (single local file, the default),
// postgres, redis and mysql.
package storage
