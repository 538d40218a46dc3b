//! Fixed-point points in hundredths, so that 0.5 and 0.2 steps add up exactly (no 99.99999).

/// Points × 100, rounded half away from zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Centi(pub i64);

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
}
