-- Single-year population per council (reference_data.md §2 "Output"): sexes summed to persons.
-- Internal: published only as the bands in population_bands.

select
    la_code,
    mid_year,
    age,
    sum(population) as population,
    max(source_file) as vintage,
    'file' as source,
    max(load_id) as load_id
from {{ ref('stg_population__estimates') }}
group by la_code, mid_year, age
