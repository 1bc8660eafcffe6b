# Adopt everything under /legacy/ as one exclusive etcd_prefix. Run
#   tofu plan -generate-config-out=generated.tf
# (or terraform plan -generate-config-out=generated.tf) once: it writes the
# resource block, with every key and value, to generated.tf. Review it, keep
# it, and apply.

import {
  to = etcd_prefix.legacy
  id = "/legacy/"
}
