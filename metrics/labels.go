package metrics

import (
	"fmt"
	"strings"

	"github.com/prometheus/common/model"
)

// reservedLabels are the label names the metrics use themselves, and those
// Prometheus and the Pushgateway attach on their own.
var reservedLabels = map[string]bool{
	"playbook": true, "status": true, "outcome": true, "host": true,
	"le": true, "job": true, "instance": true,
}

// ParseLabels parses constant labels given as "name=value". A value may
// contain "=" and, when an item has no "=", it is the continuation of the
// previous value after a comma (a comma-splitting flag parser split it).
// Names follow the classic Prometheus rules and may not be one the metrics
// use or one that starts with "__".
func ParseLabels(items []string) (map[string]string, error) {
	labels := make(map[string]string, len(items))
	last := ""
	for _, item := range items {
		name, value, ok := strings.Cut(item, "=")
		if !ok {
			if last == "" {
				return nil, fmt.Errorf("%q: want name=value", item)
			}
			labels[last] += "," + item
			continue
		}
		switch {
		case !model.LegacyValidation.IsValidLabelName(name):
			return nil, fmt.Errorf("%q: invalid label name (want [a-zA-Z_][a-zA-Z0-9_]*)", name)
		case strings.HasPrefix(name, "__") || reservedLabels[name]:
			return nil, fmt.Errorf("%q: reserved label name", name)
		}
		if _, dup := labels[name]; dup {
			return nil, fmt.Errorf("%q: label given twice", name)
		}
		labels[name] = value
		last = name
	}
	return labels, nil
}
