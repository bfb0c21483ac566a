-- docker compose: one database per service (none reads another's), created on the first start.
CREATE DATABASE intake;
CREATE DATABASE review;
CREATE DATABASE media;
CREATE DATABASE notify;
