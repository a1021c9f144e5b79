package store

// IsUniqueViolation exposes isUniqueViolation to the store's tests.
var IsUniqueViolation = isUniqueViolation
