package prefix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// exclusion is an exclusive prefix's exclude: relative keys, and
// sub-prefixes (entries ending in "/"), that the prefix neither reads,
// shows, writes nor deletes, so that other resources can manage them.
type exclusion []string

// excludeOf decodes exclude; nil when null or unknown.
func excludeOf(v tftypes.Value) (exclusion, error) {
	if !v.IsKnown() || v.IsNull() {
		return nil, nil
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, err
	}
	x := exclusion{}
	for _, e := range elems {
		s, _ := protocol.KnownString(e)
		x = append(x, s)
	}
	slices.Sort(x)
	return x, nil
}

// value is exclude as a value of its type: null for nil.
func (x exclusion) value() tftypes.Value {
	if x == nil {
		return tftypes.NewValue(excludeType, nil)
	}
	elems := make([]tftypes.Value, len(x))
	for i, e := range x {
		elems[i] = tftypes.NewValue(tftypes.String, e)
	}
	return tftypes.NewValue(excludeType, elems)
}

// covers reports whether the relative key rel is excluded.
func (x exclusion) covers(rel string) bool {
	for _, e := range x {
		if rel == e || (strings.HasSuffix(e, "/") && strings.HasPrefix(rel, e)) {
			return true
		}
	}
	return false
}

// ranges returns the ranges of the keys under prefix that x leaves to the
// prefix, in key order: the prefix's range without the excluded keys and
// sub-prefixes.
func (x exclusion) ranges(prefix string) []etcdclient.Range {
	all := etcdclient.PrefixRange(prefix)
	if len(x) == 0 {
		return []etcdclient.Range{all}
	}
	holes := make([]etcdclient.Range, 0, len(x))
	for _, e := range x {
		if strings.HasSuffix(e, "/") {
			holes = append(holes, etcdclient.PrefixRange(prefix+e))
		} else {
			holes = append(holes, etcdclient.Range{Key: prefix + e, RangeEnd: prefix + e + "\x00"})
		}
	}
	slices.SortFunc(holes, func(a, b etcdclient.Range) int { return strings.Compare(a.Key, b.Key) })
	var out []etcdclient.Range
	from := all.Key
	for _, h := range holes {
		if h.Key > from {
			out = append(out, etcdclient.Range{Key: from, RangeEnd: h.Key})
		}
		if endsAfter(h.RangeEnd, from) {
			from = h.RangeEnd
		}
	}
	if endsAfter(all.RangeEnd, from) {
		out = append(out, etcdclient.Range{Key: from, RangeEnd: all.RangeEnd})
	}
	return out
}

// endsAfter reports whether the range end end lies after key; "\x00" is
// the end of the keyspace.
func endsAfter(end, key string) bool {
	return end == "\x00" || end > key
}

// without returns keys less the excluded ones (keys itself when none is).
func (x exclusion) without(keys map[string]string) map[string]string {
	if len(x) == 0 {
		return keys
	}
	out := make(map[string]string, len(keys))
	for rel, v := range keys {
		if !x.covers(rel) {
			out[rel] = v
		}
	}
	return out
}

// excludeErrors checks an exclude list: no empty or repeated entry, no
// entry inside a sub-prefix another entry excludes, and no declared key
// excluded. declared is nil when the keys are not known yet.
func excludeErrors(x exclusion, declared map[string]string) []string {
	var errs []string
	for i, e := range x {
		switch {
		case e == "":
			errs = append(errs, "exclude holds an empty entry: name a relative key (\"db/password\") or a sub-prefix ending in / (\"secrets/\").")
		case slices.Contains(x[:i], e):
			errs = append(errs, fmt.Sprintf("exclude lists %q twice.", e))
		}
		for _, other := range x {
			if other != e && strings.HasSuffix(other, "/") && strings.HasPrefix(e, other) {
				errs = append(errs, fmt.Sprintf("exclude lists %q, which the sub-prefix %q already excludes: remove one of them.", e, other))
			}
		}
	}
	var clash []string
	for rel := range declared {
		if x.covers(rel) {
			clash = append(clash, rel)
		}
	}
	slices.Sort(clash)
	for _, rel := range clash {
		errs = append(errs, fmt.Sprintf("the key %q is declared and excluded: an excluded key is left to other resources, so remove it from exclude or from the keys.", rel))
	}
	return errs
}
