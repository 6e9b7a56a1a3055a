/**
 * The inventory provider ({@code multihost.provider=inventory}): real machines listed in a YAML
 * inventory of our own or in an existing Ansible inventory (INI or YAML), resolved through the
 * user's {@code ~/.ssh/config} into {@link io.junitmultihost.spi.HostSpec}s. Entry point:
 * {@link io.junitmultihost.inventory.InventoryHostProviderFactory}; keys in
 * {@link io.junitmultihost.inventory.InventoryConstants}.
 */
package io.junitmultihost.inventory;
