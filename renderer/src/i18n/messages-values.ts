import { defineMessages } from './define-messages';

/**
 * The names of the codes the cache and the platform hold (statuses, categories, rule ids, roles...), as the
 * operator reads them. A key is `value.<kind>.<code>`; value-text.ts looks them up (and back, from a name the
 * operator types to the codes it names). The codes are central/openapi.yaml's and ../shared/DESIGN.md's.
 */
export const valuesMessages = defineMessages(
  {
    // An alert's (and its work order's) handling status.
    'value.alertStatus.pending': '待派单',
    'value.alertStatus.dispatched': '已派单',
    'value.alertStatus.handling': '处置中',
    'value.alertStatus.closed': '已结案',

    // A work prompt: raised by the rules here, then issued to its recipient, acknowledged, resolved.
    'value.promptState.raised': '待下发',
    'value.promptState.issued': '已下发',
    'value.promptState.acknowledged': '已签收',
    'value.promptState.resolved': '已办结',

    'value.sceneKind.scene': '场景',
    'value.sceneKind.subplatform': '分平台',
    'value.sceneKind.regional': '区域平台',

    'value.deviceStatus.online': '在线',
    'value.deviceStatus.offline': '离线',

    // The national guide's risk categories (RiskCategory).
    'value.riskCategory.gasPipeline': '燃气管线',
    'value.riskCategory.restaurantGas': '餐饮燃气',
    'value.riskCategory.bridge': '桥梁',
    'value.riskCategory.waterSupply': '供排水',
    'value.riskCategory.undergroundUtility': '地下市政设施',
    'value.riskCategory.oldBuilding': '老旧房屋',
    'value.riskCategory.crowd': '大客流',
    'value.riskCategory.buildingFire': '建筑火灾',
    'value.riskCategory.elevator': '电梯',
    'value.riskCategory.keyVehicle': '重点车辆',
    'value.riskCategory.hazardousChemicals': '危险化学品',
    'value.riskCategory.construction': '工程建设',
    'value.riskCategory.waterlogging': '内涝',
    'value.riskCategory.typhoon': '台风',
    'value.riskCategory.geological': '地面沉降',

    'value.domain.lifeline': '城市生命线工程',
    'value.domain.publicSafety': '公共安全',
    'value.domain.productionSafety': '生产安全',
    'value.domain.naturalDisaster': '自然灾害',

    // The work-prompt rules (DESIGN.md; WorkPromptRule).
    'value.rule.device-offline': '设备离线',
    'value.rule.device-info-error': '设备信息报错',
    'value.rule.scene-silent': '场景静默',
    'value.rule.sync-rate-low': '同步率异常',
    'value.rule.red-alert': '红色预警核实',
    'value.rule.undispatched': '超期未派单',
    'value.rule.overdue-closure': '超期未结案',
    'value.rule.non-standard': '填报不规范',
    'value.rule.annual-elements': '年度监测要素标准更新',
    'value.rule.annual-manual': '年度指挥手册更新',
    'value.rule.annual-roster': '年度指挥人员名单更新',
    'value.rule.weekly-report': '运行周报',
    'value.rule.monthly-report': '运行月报',
    'value.rule.period-outlook': '重点时段态势分析',
    'value.rule.weekly-meeting': '每周运行例会',
    'value.rule.risk-map-anomaly': '风险地图数据异常',
    'value.rule.manual': '人工工作提示',

    'value.recipientRole.sceneOperator': '运营人员',
    'value.recipientRole.sceneTechnician': '技术人员',
    'value.recipientRole.sceneHead': '部门负责人',
    'value.recipientRole.techOps': '技术运维组',
    'value.recipientRole.dutyTeam': '值班组',

    // Where a red alert stands (the red queue's order).
    'value.redStage.unverified': '待核实',
    'value.redStage.verified': '已核实',
    'value.redStage.majorLoop:emergency': '大闭环（突发事件类）',
    'value.redStage.majorLoop:risk': '大闭环（风险类）',

    'value.majorLoopKind.emergency': '突发事件类',
    'value.majorLoopKind.risk': '风险类',

    'value.loop.enterprise': '小闭环',
    'value.loop.sector': '中闭环',
    'value.loop.major': '大闭环',

    // The field of a device's registration found wrong (信息报错).
    'value.infoErrorField.address': '安装地址',
    'value.infoErrorField.location': '经纬度位置',
    'value.infoErrorField.ownerUnit': '权属单位',
    'value.infoErrorField.elements': '监测要素',
    'value.infoErrorField.model': '设备型号',

    'value.timelineKind.push': '推送',
    'value.timelineKind.dispatch': '派单',
    'value.timelineKind.feedback': '处置反馈',
    'value.timelineKind.elementsCompleted': '要素补全',
    'value.timelineKind.verification': '核实',
    'value.timelineKind.majorLoop': '大闭环',
    'value.timelineKind.note': '备注',
    'value.timelineKind.prompt': '工作提示',
  },
  {
    'value.alertStatus.pending': 'Awaiting dispatch',
    'value.alertStatus.dispatched': 'Dispatched',
    'value.alertStatus.handling': 'Handling',
    'value.alertStatus.closed': 'Closed',

    'value.promptState.raised': 'Raised, not issued',
    'value.promptState.issued': 'Issued',
    'value.promptState.acknowledged': 'Acknowledged',
    'value.promptState.resolved': 'Resolved',

    'value.sceneKind.scene': 'Scene',
    'value.sceneKind.subplatform': 'Sub-platform',
    'value.sceneKind.regional': 'Regional platform',

    'value.deviceStatus.online': 'Online',
    'value.deviceStatus.offline': 'Offline',

    'value.riskCategory.gasPipeline': 'Gas pipeline',
    'value.riskCategory.restaurantGas': 'Restaurant gas',
    'value.riskCategory.bridge': 'Bridge',
    'value.riskCategory.waterSupply': 'Water supply & drainage',
    'value.riskCategory.undergroundUtility': 'Underground utility',
    'value.riskCategory.oldBuilding': 'Old building',
    'value.riskCategory.crowd': 'Crowd',
    'value.riskCategory.buildingFire': 'Building fire',
    'value.riskCategory.elevator': 'Elevator',
    'value.riskCategory.keyVehicle': 'Key vehicle',
    'value.riskCategory.hazardousChemicals': 'Hazardous chemicals',
    'value.riskCategory.construction': 'Construction',
    'value.riskCategory.waterlogging': 'Waterlogging',
    'value.riskCategory.typhoon': 'Typhoon',
    'value.riskCategory.geological': 'Ground subsidence',

    'value.domain.lifeline': 'Urban lifelines',
    'value.domain.publicSafety': 'Public safety',
    'value.domain.productionSafety': 'Production safety',
    'value.domain.naturalDisaster': 'Natural disasters',

    'value.rule.device-offline': 'Device offline',
    'value.rule.device-info-error': 'Device info error',
    'value.rule.scene-silent': 'Scene silent',
    'value.rule.sync-rate-low': 'Sync rate low',
    'value.rule.red-alert': 'Red alert to verify',
    'value.rule.undispatched': 'Undispatched',
    'value.rule.overdue-closure': 'Overdue closure',
    'value.rule.non-standard': 'Non-standard record',
    'value.rule.annual-elements': 'Annual element standards update',
    'value.rule.annual-manual': 'Annual command manual update',
    'value.rule.annual-roster': 'Annual commander roster update',
    'value.rule.weekly-report': 'Weekly report',
    'value.rule.monthly-report': 'Monthly report',
    'value.rule.period-outlook': 'Key-period outlook',
    'value.rule.weekly-meeting': 'Weekly operations meeting',
    'value.rule.risk-map-anomaly': 'Risk map data anomaly',
    'value.rule.manual': 'Manual work prompt',

    'value.recipientRole.sceneOperator': 'Scene operator',
    'value.recipientRole.sceneTechnician': 'Scene technician',
    'value.recipientRole.sceneHead': 'Department head',
    'value.recipientRole.techOps': 'Technical operations',
    'value.recipientRole.dutyTeam': 'Duty team',

    'value.redStage.unverified': 'To verify',
    'value.redStage.verified': 'Verified',
    'value.redStage.majorLoop:emergency': 'Major loop (emergency)',
    'value.redStage.majorLoop:risk': 'Major loop (risk)',

    'value.majorLoopKind.emergency': 'Emergency',
    'value.majorLoopKind.risk': 'Risk',

    'value.loop.enterprise': 'Enterprise loop',
    'value.loop.sector': 'Sector loop',
    'value.loop.major': 'Major loop',

    'value.infoErrorField.address': 'Address',
    'value.infoErrorField.location': 'Coordinates',
    'value.infoErrorField.ownerUnit': 'Owner unit',
    'value.infoErrorField.elements': 'Monitored elements',
    'value.infoErrorField.model': 'Model',

    'value.timelineKind.push': 'Pushed',
    'value.timelineKind.dispatch': 'Dispatched',
    'value.timelineKind.feedback': 'Handling feedback',
    'value.timelineKind.elementsCompleted': 'Elements completed',
    'value.timelineKind.verification': 'Verified',
    'value.timelineKind.majorLoop': 'Major loop',
    'value.timelineKind.note': 'Note',
    'value.timelineKind.prompt': 'Work prompt',
  },
);
