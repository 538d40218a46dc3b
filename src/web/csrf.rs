//! CSRF: each session has a random token that every form carries and every POST must return;
//! before login, a short-lived cookie plays that part (double submit).

use super::AppError;

/// Refuses a form whose token does not match.
pub fn check(expected: &str, given: &str) -> Result<(), AppError> {
    if !expected.is_empty() && constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。".into(),
        ))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_must_match() {
        assert!(super::check("abc", "abc").is_ok());
        assert!(super::check("abc", "abd").is_err());
        assert!(super::check("abc", "").is_err());
        assert!(super::check("", "").is_err());
    }
}
