import type { UserTelephony } from '../../pbx/telephony.js';
import type { NodeRef, TreeContext, TreeNode } from './pbxTreeModel.js';

/**
 * A user's phone numbers and phones under their node: which numbers reach them (internal or external, the
 * primary ones and the one their calls show) and which phones ring (SIP device or iFMC, active or not). That is
 * what a Teams integrator checks; the rest of the configuration is one "Open in REST" away.
 */
export function telephonyNodes(telephony: UserTelephony, base: string, ref: NodeRef, ctx: TreeContext): TreeNode[] {
  const { t } = ctx;
  const numbers: TreeNode = {
    id: `${base}:numbers`,
    ref,
    label: t('Phone numbers'),
    description: telephony.numbers.length ? String(telephony.numbers.length) : t('none'),
    icon: 'symbol-number',
    contextValue: 'userPhoneNumbers',
    collapsible: telephony.numbers.length ? 'collapsed' : 'none',
    children: telephony.numbers.map((n) => {
      const internal = n.type === 'INTERNAL';
      const marks = [
        internal ? t('internal') : n.type === 'EXTERNAL' ? t('external') : n.type,
        ...(n.primary ? [t('primary')] : []),
        ...(n.display ? [t('shown on calls')] : []),
      ];
      return {
        id: `${base}:number:${n.id}`,
        ref: { ...ref, phoneNumberId: n.id },
        label: n.number,
        description: marks.join(' · '),
        icon: internal ? 'call-incoming' : 'globe',
        contextValue: `userPhoneNumber.${internal ? 'internal' : 'external'}${n.primary ? '.primary' : ''}${n.display ? '.display' : ''}`,
        collapsible: 'none',
        value: n.number,
      };
    }),
  };
  const phones: TreeNode = {
    id: `${base}:phones`,
    ref,
    label: t('Phones'),
    description: telephony.phones.length ? String(telephony.phones.length) : t('none'),
    icon: 'device-mobile',
    contextValue: 'userPhones',
    collapsible: telephony.phones.length ? 'collapsed' : 'none',
    children: telephony.phones.map((p) => ({
      id: `${base}:phone:${p.phoneId}`,
      ref: { ...ref, phoneId: p.phoneId },
      label: p.phoneName,
      description: `${p.isIFMC ? 'iFMC' : 'SIP'} · ${p.active ? t('active') : t('inactive')}`,
      icon: p.isIFMC ? 'device-mobile' : 'vm',
      iconColor: p.active ? undefined : 'disabledForeground',
      contextValue: `userPhone.${p.isIFMC ? 'ifmc' : 'sip'}.${p.active ? 'active' : 'inactive'}`,
      collapsible: 'none',
      value: p.phoneName,
    })),
  };
  return [numbers, phones];
}
