package admin

// Quantile is quantile, for the tests.
var Quantile = quantile
