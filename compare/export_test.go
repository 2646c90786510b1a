package compare

// CutBeforeStats is cutBeforeStats for the tests of package compare_test.
var CutBeforeStats = cutBeforeStats
