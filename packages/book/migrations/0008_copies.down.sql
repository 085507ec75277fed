-- Back to counters on the title. The counters are kept equal to the copies while copies exist;
-- they are recomputed here all the same, since they are all that stays. Barcodes, lost and
-- withdrawn copies, and which copy a loan lent, are lost.
update books b
   set total_copies = (select count(*)::int from copies c where c.book_id = b.id and c.status in ('available', 'on_loan')),
       available_copies = (select count(*)::int from copies c where c.book_id = b.id and c.status = 'available');
drop index if exists loans_copy_id_idx;
drop index if exists loans_one_open_per_copy;
alter table loans drop constraint if exists loans_renewal_count_range;
alter table loans drop constraint if exists loans_open_has_copy;
alter table loans drop constraint if exists loans_copy_id_fkey;
alter table loans drop column if exists renewal_count;
alter table loans drop column if exists copy_id;
drop table if exists copies;
