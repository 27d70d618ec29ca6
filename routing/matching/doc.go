// Package matching finds a minimum-cost perfect matching on a sparse graph with Edmonds'
// primal-dual blossom algorithm, and returns the dual solution that proves it optimal.
//
// The dual certificate (Duals) lets a caller extend the proof beyond the graph it solved:
// routing matches the odd nodes of a street network on a few candidate pairs, then prices
// every other pair of the metric closure with Duals.Slack, adds the violated ones with
// Matcher.AddEdges and resumes with Matcher.Run from the previous optimum.
//
// Weights are non-negative integers; every dual value is kept doubled (and scaled by
// Duals.Scale after warm starts) so that the whole run stays in integers.
package matching
