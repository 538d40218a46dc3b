//! Department quotas: how many A and B units get each grade, from the rubric's percentages and
//! the actual numbers of units.
//!
//! The notice (section 五) gives 优秀 20 %, 良好 30 %, 合格和不合格 50 % of all departments, each split
//! between A and B by their share of units, "分类占比按分类单位数占总数的多少优先靠前计算". Read as
//! [`Rounding::NearestFrontFirst`]:
//!
//! 1. Bands are taken from the top (优秀 first). A band's total is percent × all departments,
//!    rounded to the nearest unit (a half rounds up).
//! 2. The band is split by class share: A gets total × A / all rounded to the nearest unit (a half
//!    goes to the larger class), B the rest; kept within what each class has left.
//! 3. The last band takes what remains of each class, so every class and every band adds up.
//!
//! With 26 A and 10 B: 优秀 7.2 → 7 (A 5.06 → 5, B 2), 良好 10.8 → 11 (A 7.94 → 8, B 3),
//! 合格/不合格 18 (A 13, B 5) — the notice's own figures.

use serde::Serialize;

use crate::rubric::{Grade, Quota, Rounding};

/// Number of units of a grade, in all and per class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BandQuota {
    pub grade: Grade,
    pub percent: u32,
    pub total: u32,
    pub a: u32,
    pub b: u32,
}

/// Computes the quota table for `n_a` class-A and `n_b` class-B units.
pub fn department_quotas(
    quotas: &[Quota],
    rounding: Rounding,
    n_a: u32,
    n_b: u32,
) -> Vec<BandQuota> {
    match rounding {
        Rounding::NearestFrontFirst => nearest_front_first(quotas, n_a, n_b),
        Rounding::LargestRemainder => {
            let percents: Vec<u32> = quotas.iter().map(|q| q.percent).collect();
            let a = largest_remainder(&percents, n_a);
            let b = largest_remainder(&percents, n_b);
            quotas
                .iter()
                .zip(a.iter().zip(&b))
                .map(|(q, (&a, &b))| BandQuota {
                    grade: q.grade,
                    percent: q.percent,
                    total: a + b,
                    a,
                    b,
                })
                .collect()
        }
    }
}

fn nearest_front_first(quotas: &[Quota], n_a: u32, n_b: u32) -> Vec<BandQuota> {
    let n = n_a + n_b;
    let (mut rem_a, mut rem_b) = (n_a, n_b);
    let mut out = Vec::with_capacity(quotas.len());
    for (i, q) in quotas.iter().enumerate() {
        let (a, b) = if i + 1 == quotas.len() || n == 0 {
            if i + 1 == quotas.len() {
                (rem_a, rem_b)
            } else {
                (0, 0)
            }
        } else {
            // percent × n / 100, nearest, a half up.
            let total = ((u64::from(q.percent) * u64::from(n) * 2 + 100) / 200) as u32;
            let total = total.min(rem_a + rem_b);
            // A's share: total × n_a / n, nearest, a half to the larger class.
            let num = u64::from(total) * u64::from(n_a);
            let (floor, rest) = ((num / u64::from(n)) as u32, num % u64::from(n));
            let a = match (2 * rest).cmp(&u64::from(n)) {
                std::cmp::Ordering::Greater => floor + 1,
                std::cmp::Ordering::Equal if n_a >= n_b => floor + 1,
                _ => floor,
            };
            let a = a.clamp(total.saturating_sub(rem_b), total.min(rem_a));
            (a, total - a)
        };
        rem_a -= a;
        rem_b -= b;
        out.push(BandQuota {
            grade: q.grade,
            percent: q.percent,
            total: a + b,
            a,
            b,
        });
    }
    out
}

/// Hamilton's method: floors of percent × n / 100, then the leftover units one by one to the
/// largest remainders (earlier bands first on equal remainders).
fn largest_remainder(percents: &[u32], n: u32) -> Vec<u32> {
    let exact: Vec<u64> = percents
        .iter()
        .map(|&p| u64::from(p) * u64::from(n))
        .collect();
    let mut out: Vec<u32> = exact.iter().map(|&e| (e / 100) as u32).collect();
    let mut left = n - out.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..percents.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % 100));
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}
