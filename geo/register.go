package geo

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// registerID is the SourceID of a register entry that carries no id of its own: "h" and
// 16 hex digits of the SHA-256 of kind, name, class (category, station kind or level) and
// the coordinates as given, rounded to 1e-6° (about 0.1 m). The same row imported again
// gets the same id, so a re-import upserts instead of duplicating; moving a shop by more
// than the rounding, renaming or reclassifying it makes it a new entry.
func registerID(kind, name, class string, p orb.Point) string {
	key := strings.Join([]string{
		kind, name, class,
		strconv.FormatFloat(p[0], 'f', 6, 64),
		strconv.FormatFloat(p[1], 'f', 6, 64),
	}, "\x1f")
	sum := sha256.Sum256([]byte(key))
	return "h" + hex.EncodeToString(sum[:8])
}

// categoryWords are register category texts beyond the OSM values, in English and
// Chinese as Chinese registers write them.
var categoryWords = map[string]Category{
	"supermarket": CategorySupermarket, "grocery store": CategorySupermarket, "grocery": CategorySupermarket,
	"超市": CategorySupermarket, "便利店": CategorySupermarket, "小卖部": CategorySupermarket,
	"副食店": CategorySupermarket, "商店": CategorySupermarket, "水果店": CategorySupermarket,

	"restaurant": CategoryRestaurant, "food": CategoryRestaurant, "catering": CategoryRestaurant,
	"餐饮": CategoryRestaurant, "餐馆": CategoryRestaurant, "餐厅": CategoryRestaurant,
	"饭店": CategoryRestaurant, "小吃": CategoryRestaurant, "快餐": CategoryRestaurant,
	"咖啡": CategoryRestaurant, "咖啡馆": CategoryRestaurant, "奶茶": CategoryRestaurant,

	"barber": CategoryBarber, "hair": CategoryBarber, "salon": CategoryBarber,
	"理发": CategoryBarber, "理发店": CategoryBarber, "美发": CategoryBarber,
	"美容": CategoryBarber, "美容美发": CategoryBarber,

	"car_wash": CategoryCarWash, "car wash": CategoryCarWash, "carwash": CategoryCarWash,
	"洗车": CategoryCarWash, "洗车店": CategoryCarWash,

	"laundry": CategoryLaundry, "dry cleaning": CategoryLaundry, "dry cleaner": CategoryLaundry,
	"洗衣": CategoryLaundry, "洗衣店": CategoryLaundry, "干洗": CategoryLaundry, "干洗店": CategoryLaundry,

	"other": CategoryOther, "其他": CategoryOther,
}

// ParseCategory maps a register's category text to a Category: the category names
// themselves, the OSM values of the import tables (convenience, cafe, hairdresser,
// dry_cleaning ...), "shop=..." and "amenity=..." as OSM writes them, and common English
// and Chinese words. Anything else, including "", is CategoryOther: an unknown kind of
// shop is still a shop to visit.
func ParseCategory(text string) Category {
	t := strings.ToLower(strings.TrimSpace(text))
	if key, value, ok := strings.Cut(t, "="); ok {
		switch strings.TrimSpace(key) {
		case "shop":
			if c, ok := shopCategories[strings.TrimSpace(value)]; ok {
				return c
			}
			return CategoryOther
		case "amenity":
			if c, ok := amenityCategories[strings.TrimSpace(value)]; ok {
				return c
			}
			return CategoryOther
		}
	}
	if c, ok := categoryWords[t]; ok {
		return c
	}
	under := strings.ReplaceAll(t, " ", "_")
	if c, ok := shopCategories[under]; ok {
		return c
	}
	if c, ok := amenityCategories[under]; ok {
		return c
	}
	return CategoryOther
}
