//! PDF reading and the 公开属性 marking check (issue 3).
