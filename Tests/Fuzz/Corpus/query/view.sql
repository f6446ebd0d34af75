SELECT * FROM big_sales /* c */ -- d
;