//! Fixed-point points in hundredths, so that 0.5 and 0.2 steps add up exactly (no 99.99999).
//! Findings, decisions and scores all count in it; JSON shows it as the number of points
//! (`0.5`, `5.0`), as it did when points were floats.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Points × 100, rounded half away from zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Centi(pub i64);

impl Serialize for Centi {
    /// As a number of points: `Centi(50)` is `0.5`, `Centi(500)` is `5.0`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.points())
    }
}

impl<'de> Deserialize<'de> for Centi {
    /// From a number of points, rounded to hundredths.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Centi::try_from(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Points that are not a finite number (NaN or infinite): no `Centi` stands for them.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("分值不是有限的数（{0}）")]
pub struct NotFinite(pub f64);

impl TryFrom<f64> for Centi {
    type Error = NotFinite;

    /// From a number of points, rounded to hundredths; NaN and infinities are refused.
    fn try_from(points: f64) -> Result<Centi, NotFinite> {
        if points.is_finite() {
            Ok(Centi::from_points(points))
        } else {
            Err(NotFinite(points))
        }
    }
}

impl Centi {
    pub const ZERO: Centi = Centi(0);

    /// Converts points given as a float (e.g. 0.2) to hundredths.
    pub fn from_points(points: f64) -> Centi {
        Centi((points * 100.0).round() as i64)
    }

    /// Back to points as a float (exact to 0.01).
    pub fn points(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::ops::Add for Centi {
    type Output = Centi;
    fn add(self, rhs: Centi) -> Centi {
        Centi(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Centi {
    type Output = Centi;
    fn sub(self, rhs: Centi) -> Centi {
        Centi(self.0 - rhs.0)
    }
}

impl std::ops::Mul<u32> for Centi {
    type Output = Centi;
    fn mul(self, rhs: u32) -> Centi {
        Centi(self.0 * i64::from(rhs))
    }
}

impl std::iter::Sum for Centi {
    fn sum<I: Iterator<Item = Centi>>(iter: I) -> Centi {
        Centi(iter.map(|c| c.0).sum())
    }
}

impl std::fmt::Display for Centi {
    /// Shortest form: `85`, `85.5`, `85.25`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            f10 if f10 % 10 == 0 => write!(f, "{sign}{whole}.{}", f10 / 10),
            _ => write!(f, "{sign}{whole}.{frac:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Centi;

    #[test]
    fn steps_add_exactly() {
        let sum: Centi = std::iter::repeat_n(Centi::from_points(0.2), 5).sum();
        assert_eq!(sum, Centi(100));
        assert_eq!(Centi::from_points(99.99999), Centi(10000));
        assert_eq!(Centi(8550).to_string(), "85.5");
        assert_eq!(Centi(8525).to_string(), "85.25");
        assert_eq!(Centi(-50).to_string(), "-0.5");
    }

    /// JSON shows points as floats did: `0.5`, `5.0`, `0.0`, `0.2`.
    #[test]
    fn json_is_the_number_of_points() {
        for (c, text) in [
            (50, "0.5"),
            (500, "5.0"),
            (0, "0.0"),
            (20, "0.2"),
            (125, "1.25"),
        ] {
            assert_eq!(serde_json::to_string(&Centi(c)).unwrap(), text);
            assert_eq!(serde_json::from_str::<Centi>(text).unwrap(), Centi(c));
            let float: f64 = text.parse().unwrap();
            assert_eq!(serde_json::to_string(&float).unwrap(), text);
        }
        assert_eq!(serde_json::from_str::<Centi>("1").unwrap(), Centi(100));
        assert_eq!(serde_json::from_str::<Centi>("0.333").unwrap(), Centi(33));
        assert_eq!(Centi::try_from(0.2), Ok(Centi(20)));
        assert!(Centi::try_from(f64::NAN).is_err());
        assert!(Centi::try_from(f64::INFINITY).is_err());
    }
}
