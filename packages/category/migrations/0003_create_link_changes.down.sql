drop table if exists link_changes;
