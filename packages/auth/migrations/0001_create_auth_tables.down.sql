drop table if exists login_failures;
drop table if exists refresh_tokens;
drop table if exists signing_keys;
drop table if exists users;
